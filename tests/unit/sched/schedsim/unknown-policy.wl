# expect: 3: policy: unknown policy 'cfs'
duration 1s
policy cfs
entity a
