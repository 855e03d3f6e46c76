# expect: 3: entity: name 'a,b' may not contain
duration 1s
entity a,b
