"""t_zset.py: sorted sets. Redis: src/t_zset.c.

Steps:
  04_datatypes  the zset commands
"""
