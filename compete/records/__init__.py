"""Records management: retention of a competition's record (R43) and minimisation of the personal
data of participants who were not selected, after the complaint period (R45)."""
