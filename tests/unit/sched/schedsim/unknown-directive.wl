# expect: 3: unknown directive 'cpu'
duration 1s
cpu 2
entity a
