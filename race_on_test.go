//go:build race

package main

// raceEnabled stretches the hostile tests' time bounds under -race.
const raceEnabled = true
