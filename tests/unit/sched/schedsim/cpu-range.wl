# expect: 4: entity a: cpu=2 but the workload has 2 cpus
cpus 2
duration 1s
entity a cpu=2
