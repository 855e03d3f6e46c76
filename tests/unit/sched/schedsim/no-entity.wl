# expect: 3: no 'entity' line
duration 1s
