"""t_set.py: sets. Redis: src/t_set.c.

Steps:
  04_datatypes  the set commands
"""
