"""t_string.py: strings. Redis: src/t_string.c.

Steps:
  04_datatypes  the string commands
"""
