package main

import (
	"os"

	"golang.org/x/term"
)

// terminalWidth returns the width of the terminal f is attached to, or 0.
func terminalWidth(f *os.File) int {
	w, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return w
}
