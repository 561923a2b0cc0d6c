// Math recognition before cmark: the tex_math_dollars rules, \(…\), \[…\],
// $`…`$, ```math, never in code; positions; display formulas as blocks.
#include <gtest/gtest.h>

#include "source/helpers.h"

namespace moyin::test {
namespace {

std::string para(std::string_view md) {
  Parsed p = parse(md);
  return sketch(first_para(*p.doc));
}

const doc::Block* first_math(const doc::Document& d) {
  const doc::Block* found = nullptr;
  walk_blocks(d.blocks, [&](const doc::Block& b) {
    if (!found && b.kind == doc::BlockKind::Math) found = &b;
  });
  return found;
}

TEST(MathSource, InlineDollars) {
  EXPECT_EQ(para("复杂度 $O(n \\log n)$。"), "复杂度 $O(n \\log n)$。");
  EXPECT_EQ(para("$a*b*c$ is not emphasis"), "$a*b*c$ is not emphasis");
  EXPECT_EQ(para("$a_1 + b_2$ keeps underscores"), "$a_1 + b_2$ keeps underscores");
  EXPECT_EQ(para("$\\{x\\}$"), "$\\{x\\}$");
}

TEST(MathSource, DollarsThatAreNotMath) {
  EXPECT_EQ(para("It costs $5 and $6 today."), "It costs $5 and $6 today.");
  EXPECT_EQ(para("$ x$ and $x $ stay"), "$ x$ and $x $ stay");
  EXPECT_EQ(para("from $1$2"), "from $1$2");  // closing $ before a digit
  EXPECT_EQ(para("a \\$ sign and \\$x\\$"), "a $ sign and $x$");
  EXPECT_EQ(para("$5 and `$x$` in code"), "$5 and `$x$` in code");
  EXPECT_EQ(para("empty $$ here"), "empty $$ here");
}

TEST(MathSource, NeverInCode) {
  EXPECT_EQ(para("code `$a*b$` and ``$$x$$``"), "code `$a*b$` and `$$x$$`");
  Parsed p = parse("```\n$x$ \\(y\\)\n```\n\n    $z$ indented\n\n~~~sh\necho $HOME$\n~~~\n");
  ASSERT_EQ(p.doc->blocks.size(), 3u);
  EXPECT_EQ(p.doc->blocks[0].text, "$x$ \\(y\\)\n");
  EXPECT_EQ(p.doc->blocks[1].text, "$z$ indented\n");
  EXPECT_EQ(p.doc->blocks[2].text, "echo $HOME$\n");
}

TEST(MathSource, BackslashDelimitersKeepTheirBackslashes) {
  EXPECT_EQ(para("勾股 \\(a^2+b^2=c^2\\) 定理"), "勾股 $a^2+b^2=c^2$ 定理");
  EXPECT_EQ(para("escaped \\\\(x\\\\) stays"), "escaped \\(x\\) stays");
  EXPECT_EQ(para("GitHub $`\\sqrt{2}`$ math"), "GitHub $\\sqrt{2}$ math");
}

TEST(MathSource, FoundWithOnlyOneKindOfTrigger) {
  // No `$` in the text: backslash delimiters and references are still seen
  // (and no backslash: dollars are).
  EXPECT_EQ(para("只有 \\(x^2\\) 一处"), "只有 $x^2$ 一处");
  EXPECT_EQ(para("只有 $y$ 一处"), "只有 $y$ 一处");
  EXPECT_EQ(para("no formula at all"), "no formula at all");
}

TEST(MathSource, DisplayFormulasBecomeBlocks) {
  Parsed p = parse("递推式\n$$\nT(n) = 2T(n/2) + n \\label{rec}\n$$\n由此可得\n");
  ASSERT_EQ(p.doc->blocks.size(), 3u);
  EXPECT_EQ(sketch(p.doc->blocks[0].inlines), "递推式");
  const doc::Block& m = p.doc->blocks[1];
  EXPECT_EQ(m.kind, doc::BlockKind::Math);
  EXPECT_EQ(m.text, "T(n) = 2T(n/2) + n");
  EXPECT_EQ(m.id, "eq-rec");
  EXPECT_EQ(m.info, "rec");
  EXPECT_EQ(m.pos, (doc::Position{2, 1}));
  EXPECT_TRUE(p.doc->blocks[2].continues);
  EXPECT_EQ(p.doc->blocks[2].pos.line, 5);
}

TEST(MathSource, DisplayVariants) {
  Parsed p = parse("\\[ x = \\frac{1}{2} \\tag{A} \\]\n");
  const doc::Block* m = first_math(*p.doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->text, "x = \\frac{1}{2}");
  EXPECT_EQ(m->label, "A");
  p = parse("$$E = mc^2$$ {#eq:energy}\n");
  m = first_math(*p.doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->id, "eq-energy");
  EXPECT_EQ(m->info, "eq:energy");
  p = parse("```math\n\\begin{pmatrix} a \\\\ b \\end{pmatrix}\n```\n");
  m = first_math(*p.doc);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->text, "\\begin{pmatrix} a \\\\ b \\end{pmatrix}");
}

TEST(MathSource, DisplayInListItemsAndQuotes) {
  Parsed p = parse("- 贝叶斯：\n  $$\n  P(A \\mid B)\n  $$\n- next\n\n> $$\n> x + y\n> $$\n");
  std::vector<std::string> tex;
  walk_blocks(p.doc->blocks, [&](const doc::Block& b) {
    if (b.kind == doc::BlockKind::Math) tex.push_back(b.text);
  });
  ASSERT_EQ(tex.size(), 2u);
  EXPECT_EQ(tex[0], "P(A \\mid B)");
  EXPECT_EQ(tex[1], "x + y");
}

TEST(MathSource, PositionsAfterFormulasStayExact) {
  Parsed p = parse("ab $x^2$ *cd* $$y$$ **ef**\n");
  const auto& in = first_para(*p.doc);
  // The text after a formula keeps its own column.
  bool saw = false;
  for (const doc::Inline& i : in) {
    if (i.kind == doc::InlineKind::Math) {
      EXPECT_EQ(i.pos.column, 4);
    }
    if (i.kind == doc::InlineKind::Emphasis) {
      EXPECT_EQ(i.pos.column, 10);
      saw = true;
    }
  }
  EXPECT_TRUE(saw);
}

TEST(MathSource, ReferencesBecomeLinks) {
  Parsed p = parse("见式 \\eqref{eq:a} 与 \\ref{b}。\n");
  std::string s = sketch(first_para(*p.doc));
  EXPECT_EQ(s, "见式 [(eq:a)](#eq-a) 与 [b](#eq-b)。");
}

TEST(MathSource, TitlesAndAltTextKeepTheTeX) {
  Parsed p = parse("# 复杂度 $O(n)$\n");
  EXPECT_EQ(p.doc->meta.title, "复杂度 O(n)");
}

}  // namespace
}  // namespace moyin::test
