# expect: more than 20000000 events on cpu 0 under rr
duration 86400s
policy rr slice=10us
entity a period=10us burst=5us
entity b
