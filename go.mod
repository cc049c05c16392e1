module github.com/oomlens/oomlens

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	github.com/klauspost/compress v1.20.4
	github.com/mattn/go-isatty v0.0.24
	github.com/ulikunitz/xz v0.5.17
	golang.org/x/term v0.48.0
	golang.org/x/tools v0.52.0
)

require golang.org/x/sys v0.50.0 // indirect
