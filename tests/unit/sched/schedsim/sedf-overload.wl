# expect: 5: entity b: sedf refuses it: the reserved utilisation would exceed 100%
duration 1s
policy sedf
entity a sedf.period=10ms sedf.slice=6ms
entity b sedf.period=10ms sedf.slice=5ms
