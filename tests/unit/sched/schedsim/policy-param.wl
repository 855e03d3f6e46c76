# expect: 3: policy rr: unknown parameter 'quantum'
duration 1s
policy rr quantum=1ms
entity a
