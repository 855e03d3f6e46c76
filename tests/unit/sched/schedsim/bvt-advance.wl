# expect: 4: entity a: bvt refuses its parameters: EINVAL
duration 1s
policy bvt
entity a bvt.advance=0
