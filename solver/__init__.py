"""CP-SAT formulation (one module per rule family), greedy baseline, decomposition."""
