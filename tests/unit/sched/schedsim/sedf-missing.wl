# expect: 5: entity b: policy sedf needs sedf.period and sedf.slice
duration 1s
policy sedf
entity a sedf.period=10ms sedf.slice=1ms
entity b
