"""What spans every package: the all-in-one demo, the day simulator and the machine doctor.

Like `main.py`, this package may import every other one; nothing imports it but `main.py`.
"""
