# expect: rr refuses its parameters: EINVAL
duration 1s
policy rr slice=1us
entity a
