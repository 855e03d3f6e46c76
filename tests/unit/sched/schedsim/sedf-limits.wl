# expect: 4: entity a: sedf refuses its parameters: EINVAL
duration 1s
policy sedf
entity a sedf.period=5us sedf.slice=5us
