# expect: 4: entity a: name already used on line 3
duration 1s
entity a
entity a
