"""t_list.py: lists. Redis: src/t_list.c.

Steps:
  04_datatypes  the list commands
"""
