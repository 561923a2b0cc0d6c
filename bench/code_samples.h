// The five code samples (about ten lines each, in five languages) that the
// code benchmarks put in their manuscripts: one list for bench_code and
// bench_figures.
#pragma once

namespace moyin::bench {

inline constexpr const char* kCodeSamples[] = {
    "```python\nimport os\n\ndef walk(root: str) -> list[str]:\n    \"\"\"All files.\"\"\"  # doc\n"
    "    out = []\n    for d, _, files in os.walk(root):\n        out += [os.path.join(d, f) for f in files]\n"
    "    return sorted(out)\n",
    "```c\n#include <stdio.h>\n/* counts lines */\nint main(int argc, char** argv) {\n"
    "    int n = 0, c;\n    while ((c = getchar()) != EOF) if (c == '\\n') ++n;\n"
    "    printf(\"%d\\n\", n);\n    return 0;\n}\n",
    "```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := 0; i < 10; i++ {\n"
    "\t\tfmt.Println(\"line\", i)\n\t}\n}\n",
    "```typescript\ninterface User { id: number; name: string }\n"
    "export async function load(id: number): Promise<User> {\n  const r = await fetch(`/u/${id}`);\n"
    "  return (await r.json()) as User;\n}\n",
    "```yaml\nname: build\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n      - run: \"make test\"  # all\n"};

}  // namespace moyin::bench
