# expect: no policy to run
duration 1s
entity a
