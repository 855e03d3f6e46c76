# expect: 3: entity a: sedf.period and sedf.slice are both required
duration 1s
entity a sedf.period=10ms
