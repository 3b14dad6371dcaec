package report

import _ "embed" // the HTML report's assets

// htmlCSS is the report's only style sheet, inline. The outcome colours
// are the --pass … --unavailable variables (the same in light and dark
// mode, so a screenshot can find them).
//
//go:embed assets/report.css
var htmlCSS string

// htmlScript is the report's only script, inline: it opens the <details>
// a link or the address's #fragment points at, so a click on a grid cell
// shows that cell. Without it the links still scroll to the (closed)
// section.
//
//go:embed assets/report.js
var htmlScript string

// htmlTemplate is the page; html/template escapes every value.
//
//go:embed assets/report.html.tmpl
var htmlTemplate string
