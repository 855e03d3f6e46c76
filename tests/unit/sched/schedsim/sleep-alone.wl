# expect: 3: entity a: sleep= needs burst=
duration 1s
entity a sleep=1ms
