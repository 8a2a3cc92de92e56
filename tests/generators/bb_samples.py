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

REPEATED_WORD_LISTS = (  # 4-state machines left by cyclers, backward reasoning, n-gram CPS and FAR (<= 4 DFA states)
    "1RB---_0RC0RB_1LC0LD_1RA1LA",  # block 1, threshold 3
    "1RB1LA_1LA0RC_1LD1RC_---0LA",  # block 2, threshold 3
    "1RB1LD_1LC0RA_1LA0LB_0RB---",
    "1RB0RB_1LC0RA_1RA0LD_1LB---",  # block 3, threshold 3
    "1RB---_1RC0LD_1LD0RA_1LB0LB",
) + BOUNCERS[:3]

FAR_DIRECT = (  # 4-state counters that need a DFA of 5 states
    "1RB---_0LC0RB_0LD1LC_1RA1RD",
    "1RB1LD_0LC0RB_0LA1RD_1LA---",
    "1RB---_1LC0RB_1RD0LC_1LB1RA",
    "1RB0LA_1LC1RD_1LA0RC_1RC---",
    "1RB0LA_1LC0RB_1RA1LD_1LA---",
)
FAR_DIRECT_SIX = "1RB0LC_1LC---_1RD0LB_0RD0LA"  # the last 4-state holdout: a DFA of 6 states
