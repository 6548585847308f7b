"""The public sea and lead pools (SPEC POOL-01..04, POOL-06..10, POOL-12), one module per idea: kinds and
states, errors, membership (pools, strategies, people), locks, limits, moves (update + audit log +
notice), and the operations: claims, distribution, handovers, marks, sharing. Import from the submodules.

Every operation decides inside one transaction: the acting user's row is locked first, then the records'
rows in name order; limits are counted with locking reads; the move is one set-based UPDATE, the audit one
bulk INSERT of Customer Ownership Log rows, and the people affected get a Notification Log entry and a
realtime event.
"""
