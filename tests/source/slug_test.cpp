#include <gtest/gtest.h>

#include "source/slug.h"

namespace moyin::source {
namespace {

TEST(Slug, GithubStyleKeepingHan) {
  EXPECT_EQ(slugify("Hello World"), "hello-world");
  EXPECT_EQ(slugify("Hello, World!"), "hello-world");
  EXPECT_EQ(slugify("文章引言"), "文章引言");
  EXPECT_EQ(slugify("2025年大模型技术综述：从发展历程、生命周期到多模态应用"),
            "2025年大模型技术综述从发展历程生命周期到多模态应用");
  EXPECT_EQ(slugify("数据准备（Data Prep）"), "数据准备data-prep");
  EXPECT_EQ(slugify("“引号”与《书名》……——"), "引号与书名");
  EXPECT_EQ(slugify("snake_case and-dash"), "snake_case-and-dash");
  EXPECT_EQ(slugify("C++ & Rust"), "c--rust");
  EXPECT_EQ(slugify("Ünïcödé Ωmega"), "Ünïcödé-Ωmega");  // only ASCII is lowercased
  EXPECT_EQ(slugify("日本語のテキスト"), "日本語のテキスト");
  EXPECT_EQ(slugify("emoji 🚀 here"), "emoji--here");
  EXPECT_EQ(slugify("　全角空格"), "全角空格");
  EXPECT_EQ(slugify(""), "");
  EXPECT_EQ(slugify("！？。"), "");
}

TEST(Slug, UniqueWithinDocument) {
  SlugRegistry r;
  EXPECT_EQ(r.unique("概述"), "概述");
  EXPECT_EQ(r.unique("概述"), "概述-1");
  EXPECT_EQ(r.unique("概述！"), "概述-2");
  EXPECT_EQ(r.unique("x-1"), "x-1");
  EXPECT_EQ(r.unique("x"), "x");
  EXPECT_EQ(r.unique("x"), "x-2");  // x-1 is taken by a real heading
  EXPECT_EQ(r.unique("……"), "section");
  EXPECT_EQ(r.unique(""), "section-1");
}

TEST(Slug, ManyRepeatsStayLinear) {
  SlugRegistry r;
  std::string last;
  for (int i = 0; i < 20000; ++i) last = r.unique("同名");
  EXPECT_EQ(last, "同名-19999");
}

}  // namespace
}  // namespace moyin::source
