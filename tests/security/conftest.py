"""Attacks and faults a class of people who do not trust each other's code would try.

Each module is one kind of attack; each test is the attack written as a user would try it.
"""
