"""t_hash.py: hashes. Redis: src/t_hash.c.

Steps:
  04_datatypes  the hash commands
"""
