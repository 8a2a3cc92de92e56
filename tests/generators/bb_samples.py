"""Sample machines shared by the Busy Beaver tests."""

BOUNCERS = (  # 4-state machines only the bouncer decider settles
    "1RB1LA_0LA1RC_1RB1RD_---0LB",
    "1RB0RB_1LC1RC_0LA0RD_---1LA",
    "1RB1LD_1RC0LC_1LA1RA_---0LA",
    "1RB0LD_1LC1RD_1RB1LC_---1RA",
    "1RB0LB_1LC0RA_---0LD_1LA---",
    "1RB1LA_1LC0RC_0RA1LD_0LB---",
    "1RB1RD_1LC0RA_1RB1LD_0LB---",
    "1RB1LA_0LA1RC_0RB1RD_---0RA",
    "1RB0RB_1LB0LC_0LD---_1RD0RA",  # a written word carried through the repeated one
    "1RB1LB_1RC0RD_1LD1RB_---0LA",
)
