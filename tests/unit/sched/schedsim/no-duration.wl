# expect: 3: no 'duration' line
entity a
