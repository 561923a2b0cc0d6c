// The built-in defaults: every key a sheet can set, in the same YAML a user
// writes, so defaults and sheets go through one parser and one validator.
#include "style/style_impl.h"

namespace moyin::style {

// A4 Chinese article: 五号 (10.5 pt) LXGW WenKai body, WenQuanYi headings.
const char* const kBuiltinDefaults = R"yaml(
page:
  size: A4
  margins: { top: 25mm, bottom: 25mm, inner: 25mm, outer: 25mm }
  mirrored: false
  bleed: 0pt
  crop-marks: false

body:     { font: serif-zh, size: 10.5pt, leading: 1.75, color: "#1a1a1a", align: justify,
            indent: 2em, space-before: 0pt, space-after: 0pt }
h1:       { font: sans-zh, size: 18pt, leading: 1.4, align: left, bold: true, indent: 0em,
            space-before: 24pt, space-after: 12pt, keep-with-next: true }
h2:       { font: sans-zh, size: 15pt, leading: 1.4, align: left, bold: true, indent: 0em,
            space-before: 18pt, space-after: 9pt, keep-with-next: true }
h3:       { font: sans-zh, size: 13pt, leading: 1.45, align: left, bold: true, indent: 0em,
            space-before: 14pt, space-after: 7pt, keep-with-next: true }
h4:       { font: sans-zh, size: 11.5pt, leading: 1.5, align: left, bold: true, indent: 0em,
            space-before: 12pt, space-after: 6pt, keep-with-next: true }
h5:       { font: sans-zh, size: 1, leading: 1.6, align: left, bold: true, indent: 0em,
            space-before: 10pt, space-after: 5pt, keep-with-next: true }
h6:       { font: sans-zh, size: 1, leading: 1.6, align: left, bold: false, indent: 0em,
            space-before: 10pt, space-after: 5pt, keep-with-next: true }
code:     { font: mono, size: 9pt, leading: 1.5, align: left, indent: 0em, color: "#1a1a1a",
            background: "#f4f4f4", space-before: 6pt, space-after: 6pt,
            theme: light, line-numbers: false }   # highlighting: docs/code.md
quote:    { size: 1, leading: 1.75, color: "#444444", align: justify, indent: 2em,
            margin-left: 2em, space-before: 6pt, space-after: 6pt }
table:    { size: 9.5pt, leading: 1.5, align: left, indent: 0em, space-before: 6pt, space-after: 6pt }
caption:  { size: 9pt, leading: 1.5, color: "#555555", align: center, indent: 0em,
            space-before: 3pt, space-after: 9pt }
footnote: { size: 8.5pt, leading: 1.5, align: justify, indent: 0em, space-before: 0pt,
            space-after: 2pt, placement: page, numbering: chapter, marks: superscript }
header:   { size: 8.5pt, leading: 1.2, color: "#555555", align: center, indent: 0em }
footer:   { size: 8.5pt, leading: 1.2, color: "#555555", align: center, indent: 0em }
title:    { font: sans-zh, size: 24pt, leading: 1.4, align: center, bold: true, indent: 0em,
            space-before: 0pt, space-after: 18pt }

cjk:
  line-break: gb
  punctuation: quanjiao
  latin-spacing: 0.25em
  hanging: false
  synthetic-slant: false

paragraph:
  min-last-line: 2
  widows: 2
  orphans: 2

running:
  header: { left: "", center: "{title}", right: "", rule: true }
  footer: { left: "", center: "{page}", right: "", rule: false }
  chapter-pages: false
  header-gap: 14pt
  footer-gap: 24pt

chapter:
  level: 1
  new-page: false
  open: any

toc:
  enabled: true
  depth: 2

title-page:
  enabled: true

epub:
  split-level: 1
  embed-fonts: false
  writing-mode: horizontal-tb
  text-orientation: mixed

emphasis:
  cjk: bold

figure:
  caption: alt
  max-height: 45%
  min-scale: 50%

table:
  shrink: 70%

image:
  max-megapixels: 100
  drop-badges: false

pdf:
  standard: none
  tagged: true

color:
  model: rgb
  profile: ""
  output-condition: ""

numbering:
  h1: ""
  h2: ""
  h3: ""
  h4: ""
  h5: ""
  h6: ""
  figure: ""
  table: ""
  equation: ""
  table-caption: above

xref:
  page: ""
  page-when: other-page
  this-page: ""
  facing-page: ""
  next-page: ""
  previous-page: ""
)yaml";

}  // namespace moyin::style
