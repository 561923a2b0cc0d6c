// `moyin new DIR`: a starter book — book.yaml, two chapters and a style
// sheet that extends `book` — that builds at once (`moyin build DIR/book.yaml`).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/commands.h"

namespace moyin::cli {
namespace fs = std::filesystem;

namespace {

// The starter's files: (path below DIR, content).
std::vector<std::pair<std::string, std::string>> starter(const std::string& title) {
  return {
      {"book.yaml",
       "# The book: front-matter keys plus `chapters:` (docs/epub.md).\n"
       "title: " +
           title +
           "\n"
           "author: 佚名\n"
           "lang: zh-CN\n"
           "style: style.yaml\n"
           "chapters:\n"
           "  - chapters/01-开始.md\n"
           "  - chapters/02-继续.md\n"},
      {"style.yaml",
       "# Your style: the shipped `book` sheet, changed here (docs/typesetting.md).\n"
       "extends: book\n"
       "page:\n"
       "  size: A5\n"},
      {"chapters/01-开始.md",
       "# 开始\n\n"
       "这是第一章。Moyin 把 Markdown 排成可以印刷的 PDF 和 EPUB 3，"
       "中英文之间的空白会自动加上，例如 Moyin 与 PDF。\n\n"
       "## 一个列表\n\n"
       "- 标题、段落、列表与表格\n"
       "- 代码块与公式 $E = mc^2$\n"
       "- 图片与脚注[^1]\n\n"
       "[^1]: 脚注排在页脚。\n"},
      {"chapters/02-继续.md",
       "# 继续\n\n"
       "第二章。用 `moyin build book.yaml` 生成书，用 `moyin watch book.yaml` 在保存时重新生成。\n\n"
       "```python\nprint(\"你好，墨印\")\n```\n"},
  };
}

int run_new(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    std::fprintf(
        stderr,
        "%s: error: the folder exists and is not empty; `moyin new` only starts a new one\n",
        dir.c_str());
    return 1;
  }
  std::string title = fs::absolute(dir, ec).lexically_normal().filename().string();
  if (title.empty()) title = "新书";
  for (const auto& [name, text] : starter(title)) {
    const fs::path path = dir / fs::u8path(name);
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (ec || !out) {
      std::fprintf(stderr, "%s: error: cannot write\n", path.c_str());
      return 1;
    }
  }
  std::printf("Created %s. Build it with:\n  moyin build %s\n", dir.c_str(),
              (dir / "book.yaml").c_str());
  return 0;
}

}  // namespace

void add_new(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("new", "Start a book: book.yaml, two chapters and a style sheet");
  cmd->footer(
      "Examples:\n"
      "  moyin new my-book && moyin build my-book/book.yaml\n\n"
      "Exit status: 0 created, 1 the folder is not empty or cannot be written, 2 wrong usage.");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "The new book's folder (created; must be empty if it exists)")
      ->required();
  cmd->callback([dir, &exit_code] { exit_code = run_new(*dir); });
}

}  // namespace moyin::cli
