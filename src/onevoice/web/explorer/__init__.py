"""The network explorer: the networks of a detect run, each with members, hubs, items, graph."""
