# expect: 3: cpus: given twice
cpus 1
cpus 2
duration 1s
entity a
