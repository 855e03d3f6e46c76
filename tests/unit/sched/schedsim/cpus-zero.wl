# expect: 2: cpus: must be 1..64
cpus 0
duration 1s
entity a
