# expect: 3: entity a: unknown key 'colour'
duration 1s
entity a colour=red
