"""The development contract with the winner: milestones and outcome payments (R40, R49, R50)."""
