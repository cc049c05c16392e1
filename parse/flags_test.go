package parse

import "flag"

// update rewrites golden files (txtar "want" sections); one flag per test binary.
var update = flag.Bool("update", false, "rewrite golden files")
