#include "daemon/admin/admin_page.hpp"

#include <algorithm>

namespace kenes::daemon {

// The stylesheet of every page: CSP allows no inline style, so the grid's positions are classes.
std::string stylesheet()
{
  std::string css = R"css(
body{font:14px/1.4 "DejaVu Sans",Arial,sans-serif;margin:0;color:#1d2430;background:#fff}
nav.top{background:#12385f;color:#fff;padding:.5em 1em}nav.top a{color:#fff;margin-right:1em}
nav.top .langs{float:right}main{padding:1em 1.5em;max-width:1200px}
h1{font-size:1.4em;margin:.2em 0 .6em}h2{font-size:1.1em;margin:1.2em 0 .4em}
table{border-collapse:collapse;margin:.3em 0 1em}th,td{border:1px solid #c8d0da;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eef2f6}td.num{text-align:right}.ok{color:#1b6e2f}.warning{color:#8a5a00}.invalid,.failing{color:#a11d1d;font-weight:bold}
.muted{color:#667}.week-nav a{margin-right:1em}td code{font-size:.8em;color:#556;word-break:break-all}
.grid{display:flex;border-left:1px solid #c8d0da}.hours{width:3.5em;position:relative;height:600px;margin-top:2.2em}
.hours div{position:absolute;font-size:11px;color:#667}
.day{flex:1;border-right:1px solid #c8d0da;min-width:0}.day h3{margin:0;height:2.2em;font-size:12px;text-align:center;background:#eef2f6;border-bottom:1px solid #c8d0da}
.day.holiday h3{background:#f6dede}.day.holiday .col{background:repeating-linear-gradient(45deg,#fff,#fff 6px,#f8ecec 6px,#f8ecec 12px)}
.col{position:relative;height:600px}.hour-line{position:absolute;left:0;right:0;border-top:1px dotted #dde3ea}
.win{position:absolute;left:0;right:0}.win-gov{top:60px;height:480px;background:#eef6ee}.win-ia{top:60px;height:240px;background:#dcefdc}
.blk{position:absolute;box-sizing:border-box;border:1px solid #777;border-radius:3px;padding:1px 3px;font-size:11px;overflow:hidden;text-decoration:none;color:#111}
.blk.removed{border-style:dashed;text-decoration:line-through}.blk.v-ok{background:#bfe3c6;border-color:#1b6e2f}.blk.v-warning{background:#ffe3a3;border-color:#8a5a00}.blk.v-invalid{background:#f4b4b4;border-color:#a11d1d}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #999;font-size:12px}
.key-gov{background:#eef6ee}.key-ia{background:#dcefdc}.key-ok{background:#bfe3c6}.key-warning{background:#ffe3a3}.key-invalid{background:#f4b4b4}
@media print{nav.top,.week-nav,.langs{display:none}main{max-width:none;padding:0}body{font-size:11px}}
)css";
  // Quarter-hour positions from 08:00 (60 px an hour) and up to four side-by-side lanes.
  for (int q = 0; q <= 40; ++q) {
    css += ".t" + std::to_string(q) + "{top:" + std::to_string(q * 15) + "px}";
    css += ".h" + std::to_string(q) + "{height:" + std::to_string(std::max(q, 1) * 15) + "px}";
  }
  for (int n = 1; n <= 4; ++n) {
    for (int i = 0; i < n; ++i) {
      css += ".l" + std::to_string(n) + "-" + std::to_string(i) + "{left:" + std::to_string(i * 100 / n) +
             "%;width:" + std::to_string(100 / n) + "%}";
    }
  }
  css += "\n";
  return css;
}

} // namespace kenes::daemon
