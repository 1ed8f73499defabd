#!/usr/bin/python3
print("started")
