// The writer's own HTML read as XML (epub::detail::writer_html_to_xhtml):
// where read_writer_html accepts a text, the sanitized result must be exactly
// what gumbo's HTML5 parse gives; what it cannot prove the same must be
// refused (and so still go through gumbo).
#include <gtest/gtest.h>

#include <fstream>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "epub/internal.h"
#include "source/source.h"

namespace {

namespace detail = moyin::epub::detail;
using moyin::doc::Diagnostics;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The Markdown of every example of a spec file (fenced by 32 backticks).
std::vector<std::string> spec_examples(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(read(path));
  const std::string fence(32, '`');
  std::string line, md;
  int state = 0;
  while (std::getline(in, line)) {
    if (state == 0 && line.rfind(fence + " example", 0) == 0) {
      state = 1;
      md.clear();
    } else if (state == 1 && line == ".") {
      out.push_back(md);
      state = 2;
    } else if (state == 1) {
      md += line + "\n";
    } else if (state == 2 && line == fence) {
      state = 0;
    }
  }
  return out;
}

struct Sanitized {
  std::string xhtml;
  std::string diagnostics;
  std::string ids;
  size_t links = 0;
  // What the sanitizer listed as it wrote (SanitizeContext: links, page
  // marks, MathML placeholders, images) differs from what a search of the
  // tree finds: empty when they agree.
  std::string lists_disagree;
};

// Every <a href> and <img> under `n` in document order.
void find_elements(pugi::xml_node n, const char* name, std::vector<pugi::xml_node>& out) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (std::string_view(c.name()) == name &&
        (std::string_view(name) != "a" || c.attribute("href")))
      out.push_back(c);
    find_elements(c, name, out);
  }
}

std::string lists_disagree(const detail::SanitizeContext& ctx, pugi::xml_node body) {
  std::string out;
  if (ctx.page_marks != detail::find_page_marks(body)) out += "page marks ";
  if (ctx.mathml_placeholders != detail::find_mathml_placeholders(body)) out += "placeholders ";
  std::vector<pugi::xml_node> links, images;
  find_elements(body, "a", links);
  find_elements(body, "img", images);
  std::vector<pugi::xml_node> listed;
  for (const auto& [a, pos] : ctx.links) listed.push_back(a);
  if (listed != links) out += "links ";
  int without_alt = 0;
  for (pugi::xml_node img : images)
    without_alt += std::string_view(img.attribute("alt").value()).empty();
  if (ctx.images != static_cast<int>(images.size()) || ctx.images_without_alt != without_alt)
    out += "images ";
  return out;
}

Sanitized sanitize(std::string_view html, bool through_gumbo) {
  pugi::xml_document dom;
  pugi::xml_node body = dom.append_child("body");
  Diagnostics diags;
  detail::SanitizeContext ctx;
  ctx.diags = &diags;
  ctx.path = "doc.md";
  ctx.keep_page_marks = true;
  ctx.resolve_image = [](std::string_view url, moyin::doc::Position pos) {
    return std::optional<std::string>("images/" + std::string(url) + "@" +
                                      std::to_string(pos.line));
  };
  if (through_gumbo) detail::html_to_xhtml(html, body, ctx);
  else detail::writer_html_to_xhtml(html, false, body, ctx);
  Sanitized s;
  s.xhtml = detail::serialize_children(body);
  for (const auto& d : diags.items)
    s.diagnostics +=
        std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + " " + d.message + "\n";
  for (const std::string& id : ctx.ids) s.ids += id + " ";
  s.links = ctx.links.size();
  s.lists_disagree = lists_disagree(ctx, body);
  return s;
}

// The writer's HTML of a document, as the EPUB renders a chapter (page marks
// on, the typographic markup of a Chinese sheet), and whether it wrote raw HTML.
std::pair<std::string, bool> writer_html(const moyin::doc::Document& d) {
  detail::HtmlWriter w =
      detail::make_writer(d, {true, detail::Squeeze::Pairs, false});  // spacing, quanjiao
  w.mark_positions = true;
  std::string html;
  for (const auto& b : d.blocks) w.block(b, html, false);
  for (const auto& f : d.footnotes) w.footnote(f, html, true);
  return {html, w.wrote_raw_html};
}

// Every document without raw HTML: read as XML (the fast path is really
// taken) and sanitized to the same bytes, diagnostics, ids and links as
// through gumbo. Documents with raw HTML: the writer says so.
TEST(WriterXml, SameResultAsGumboOnSpecExamplesAndContent) {
  std::vector<std::string> docs =
      spec_examples(std::string(MOYIN_TEST_DATA_DIR) + "/spec/gfm-spec.txt");
  for (const std::string& md :
       spec_examples(std::string(MOYIN_TEST_DATA_DIR) + "/spec/gfm-extensions.txt"))
    docs.push_back(md);
  for (const char* file :
       {"/content/zh-article.md", "/content/en-article.md", "/content/zh-notes.md",
        "/content/callouts.md", "/tests/fixtures/epub/feature.md",
        "/tests/data/corpus/llm-survey-2025.md"})
    docs.push_back(read(std::string(MOYIN_SOURCE_DIR) + file));
  size_t read_as_xml = 0, raw = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    Diagnostics diags;
    auto d = moyin::source::parse(docs[i], "doc.md", diags);
    if (!d) continue;
    const auto [html, has_raw] = writer_html(*d);
    if (has_raw) {
      ++raw;
      EXPECT_EQ(sanitize(html, true).lists_disagree, "") << "document " << i;
      continue;
    }
    pugi::xml_document tree;
    if (!detail::read_writer_html(html, tree)) continue;
    ++read_as_xml;
    const Sanitized fast = sanitize(html, false), gumbo = sanitize(html, true);
    EXPECT_EQ(fast.xhtml, gumbo.xhtml) << "document " << i << ":\n" << docs[i];
    EXPECT_EQ(fast.diagnostics, gumbo.diagnostics) << "document " << i;
    EXPECT_EQ(fast.ids, gumbo.ids) << "document " << i;
    EXPECT_EQ(fast.links, gumbo.links) << "document " << i;
    EXPECT_EQ(fast.lists_disagree, "") << "document " << i;
    EXPECT_EQ(gumbo.lists_disagree, "") << "document " << i;
  }
  // Most spec examples hold no raw HTML and are read as XML; the few the
  // checks refuse (a link in a link…) go through gumbo.
  EXPECT_GT(read_as_xml, 500u);
  EXPECT_GT(raw, 50u);
}

std::string nested_divs(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "<div>";
  for (int i = 0; i < n; ++i) s += "</div>";
  return s;
}

TEST(WriterXml, RefusesWhatHtmlParsesDifferently) {
  const std::vector<std::string> refused = {
      "<p><a href=\"x\">a<sup><a href=\"y\">b</a></sup></a></p>",  // a link in a link
      "<pre>\ncode</pre>",                                         // newline eaten after <pre>
      "<table><tr><td>x</td></tr></table>",                        // implied <tbody>
      "<table>x<tbody></tbody></table>",                           // foster-parented text
      "<table><tbody><td>x</td></tbody></table>",                  // implied <tr>
      "<p>a<div>b</div></p>",                                      // <div> closes the <p>
      "<h1>a<h2>b</h2></h1>",                                      // a heading closes a heading
      "<li>x</li>",                                                // a list item outside a list
      "<ul><li><li>x</li></li></ul>",                              // <li> closes the open <li>
      "<p>a&nbsp;b</p>",                                           // an HTML-only entity
      "<p>a&#128;b</p>",                                           // &#128; is € in HTML
      "<p>a<br></br>b</p>",                                        // </br> is a second <br>
      "<p>a\rb</p>",                                               // CR rewritten by HTML
      std::string("<p>a\0b</p>", 10),                              // NUL dropped by HTML
      "<p>a\xFF b</p>",                                            // invalid UTF-8
      "\xEF\xBB\xBF<p>a</p>",                                      // a byte-order mark
      "<p><![CDATA[x]]></p>",                                      // a bogus comment in HTML
      "<p title=\"a\" title=\"b\">x</p>",                          // the second is dropped
      "<p><blink>x</blink></p>",                                   // not an element we write
      "<p>a<b>b</p>",                                              // not well-formed
      "<input type=\"checkbox\" disabled>",                        // not XML
      nested_divs(200),  // deep nesting (limit_nesting drops tags past 200)
  };
  for (const std::string& html : refused) {
    pugi::xml_document tree;
    EXPECT_FALSE(detail::read_writer_html(html, tree)) << html;
  }
  const std::vector<std::string> accepted = {
      "<!--page@1:1--><p>a<br/>\nb &amp; &lt;c&gt; &quot;d&quot;</p>\n",
      "<ul>\n<li><input type=\"checkbox\" disabled=\"\"/> x\n</li>\n</ul>\n",
      "<table>\n<thead>\n<tr>\n<th scope=\"col\">h</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
      "<td>x</td>\n</tr>\n</tbody>\n</table>\n",
      "<pre><code class=\"language-c\">\nint x;\n</code></pre>\n",
      "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></p>",
  };
  for (const std::string& html : accepted) {
    pugi::xml_document tree;
    EXPECT_TRUE(detail::read_writer_html(html, tree)) << html;
    EXPECT_EQ(sanitize(html, false).xhtml, sanitize(html, true).xhtml) << html;
  }
}

// The sanitizer's lists (SanitizeContext) are what finish() uses instead of
// searching each chapter's tree: on hostile raw HTML (placeholders inside
// placeholders, marks and links inside them, images with and without alt)
// they must hold exactly what the search finds, in document order.
TEST(WriterXml, ListsWhatItWritesInDocumentOrder) {
  const std::string html =
      "<!--page@1:1--><p>a <a href=\"#x\">x<img src=\"i.png\" alt=\"\"></a> <!--other-->"
      "<code class=\"moyin-mathml\">0<code class=\"moyin-mathml\">1</code><!--page@2:1-->"
      "<a href=\"#in\">in</a></code></p>\n<!--page@3:1--><div><a name=\"n\">no href</a>"
      "<img src=\"j.png\" alt=\"J\"><code class=\"moyin-mathml\">2</code>"
      "<a href=\"#y\"><a href=\"#z\">z</a></a><table><tr><td><!--page@4:2-->t</td></tr></table>"
      "<img alt=\"no src\"></div>\n";
  for (bool gumbo : {true, false}) {
    pugi::xml_document dom;
    pugi::xml_node body = dom.append_child("body");
    detail::SanitizeContext ctx;
    ctx.keep_page_marks = true;
    if (gumbo) detail::html_to_xhtml(html, body, ctx);
    else detail::writer_html_to_xhtml(html, true, body, ctx);
    EXPECT_EQ(lists_disagree(ctx, body), "") << gumbo;
    EXPECT_EQ(ctx.page_marks.size(), 4u);
    EXPECT_EQ(ctx.mathml_placeholders.size(), 2u);  // not the one inside another
    EXPECT_EQ(ctx.links.size(), 4u);
    EXPECT_EQ(ctx.images, 2);
    EXPECT_EQ(ctx.images_without_alt, 1);
  }
  // The writer's own HTML read as XML: the same lists.
  Diagnostics diags;
  auto d = moyin::source::parse(
      "# A {#a}\n\nSee [b](#b) and ![i](i.png) and ![](j.png).\n\n- item [a](#a)\n\n"
      "> quote[^n]\n\n[^n]: note [b](#b)\n\n# B {#b}\n",
      "doc.md", diags);
  ASSERT_TRUE(d.has_value());
  const auto [own, has_raw] = writer_html(*d);
  ASSERT_FALSE(has_raw);
  pugi::xml_document tree;
  ASSERT_TRUE(detail::read_writer_html(own, tree)) << own;
  const Sanitized s = sanitize(own, false);
  EXPECT_EQ(s.lists_disagree, "") << own;
  EXPECT_EQ(s.links, 5u) << own;  // with the note reference and its way back
}

// Raw HTML always goes through gumbo, even when it would read as XML.
TEST(WriterXml, RawHtmlGoesThroughGumbo) {
  Diagnostics diags;
  auto d = moyin::source::parse("a\n\n<div onclick=\"x()\">c</div>\n", "doc.md", diags);
  ASSERT_TRUE(d.has_value());
  const auto [html, has_raw] = writer_html(*d);
  EXPECT_TRUE(has_raw);
  pugi::xml_document dom;
  pugi::xml_node body = dom.append_child("body");
  Diagnostics sanitize_diags;
  detail::SanitizeContext ctx;
  ctx.diags = &sanitize_diags;
  detail::writer_html_to_xhtml(html, has_raw, body, ctx);
  const std::string out = detail::serialize_children(body);
  EXPECT_EQ(out.find("onclick"), std::string::npos) << out;
  EXPECT_NE(out.find("<div>c</div>"), std::string::npos) << out;
  ASSERT_EQ(sanitize_diags.items.size(), 1u) << html << out;
  EXPECT_NE(sanitize_diags.items[0].message.find("onclick"), std::string::npos);
}

}  // namespace

namespace {

TEST(EpubText, EscapesForHtml) {
  EXPECT_EQ(moyin::epub::detail::escape_html("a<b>&\"c\"", false), "a&lt;b&gt;&amp;\"c\"");
  EXPECT_EQ(moyin::epub::detail::escape_html("a<b>&\"c\"", true), "a&lt;b&gt;&amp;&quot;c&quot;");
  std::string out = "x";
  moyin::epub::detail::append_escaped_html(out, "汉 & 字", false);
  EXPECT_EQ(out, "x汉 &amp; 字");
}

TEST(EpubText, KeepsOnlyXmlCharacters) {
  // Controls but tab, LF and CR dropped; U+FFFE/U+FFFF dropped; an invalid
  // byte becomes U+FFFD; everything else kept.
  EXPECT_EQ(moyin::epub::detail::valid_utf8_xml("a\x01\tb\x1F\n\r汉\xEF\xBF\xBE\xEF\xBF\xBFz\xFF!"),
            "a\tb\n\r汉z\xEF\xBF\xBD!");
  EXPECT_EQ(moyin::epub::detail::valid_utf8_xml("plain"), "plain");
  EXPECT_EQ(moyin::epub::detail::valid_utf8_xml(""), "");
}

// The check the sanitizer makes of text known to be valid UTF-8: true
// exactly when valid_utf8_xml would keep the text as it is.
TEST(EpubText, ChecksXmlCharactersOfValidUtf8) {
  using moyin::epub::detail::valid_utf8_xml;
  using moyin::epub::detail::xml_chars_only;
  for (const std::string s :
       {"", "plain", "a\tb\nc\r", "汉字，标点。", "\x7F", "\xEF\xBF\xBD", "\xEF\xBF\xBC",
        "\xEF\xBC\x8C", "\x01", "a\x1F", "汉\xEF\xBF\xBE", "\xEF\xBF\xBFz"}) {
    const std::string_view text(s.data(), s.size());
    EXPECT_EQ(xml_chars_only(text), valid_utf8_xml(text) == text) << s;
  }
}

}  // namespace
