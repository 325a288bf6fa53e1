#!/usr/bin/env python3
"""Lists C# methods and constructors of N lines or more, longest first, counted from the declaration line to the
closing brace (or the ';' of an expression body). A heuristic without Roslyn: comments and strings are blanked,
then braces are counted. Usage: python3 build/long-methods.py [folder=src] [N=60]; exits 1 when any is found."""
import re, sys, os
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
N = int(sys.argv[2]) if len(sys.argv) > 2 else 60

def strip(src):
    out = []; i = 0; n = len(src)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i); j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j; continue
        if src.startswith('/*', i):
            j = src.find('*/', i + 2); j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', src[i:j])); i = j; continue
        m = re.match(r'(\$@|@\$|@|\$"""|"""|\$)?"', src[i:i+5])
        if c in '"$@' and m:
            pre = m.group(0)
            if '"""' in pre:
                j = src.find('"""', i + len(pre)); j = n if j < 0 else j + 3
            elif '@' in pre:
                j = i + len(pre)
                while j < n:
                    if src[j] == '"':
                        if j + 1 < n and src[j+1] == '"': j += 2; continue
                        j += 1; break
                    j += 1
            else:
                j = i + len(pre); depth = 0
                while j < n:
                    if src[j] == '\\': j += 2; continue
                    if '$' in pre and src[j] == '{':
                        if j + 1 < n and src[j+1] == '{': j += 2; continue
                        depth += 1
                    elif '$' in pre and src[j] == '}' and depth > 0: depth -= 1
                    elif src[j] == '"' and depth == 0: j += 1; break
                    elif src[j] == '\n': break
                    j += 1
            out.append(re.sub(r'[^\n]', ' ', src[i:j])); i = j; continue
        if c == "'":
            m2 = re.match(r"'(\\.|[^\\'])[^']*'", src[i:i+10])
            if m2:
                out.append(' ' * len(m2.group(0))); i += len(m2.group(0)); continue
        out.append(c); i += 1
    return ''.join(out)

KW = {'if','for','foreach','while','switch','using','lock','catch','fixed','return','new','else','try','finally','do','checked','unchecked','get','set','init','add','remove'}
results = []
for dp, dn, fn in os.walk(root):
    if '/obj' in dp or '/bin' in dp: continue
    for f in fn:
        if not f.endswith('.cs'): continue
        p = os.path.join(dp, f)
        src = strip(open(p, encoding='utf-8').read())
        lines = src.split('\n')
        # find method-like headers: a line with identifier( ... ) possibly continued, followed by { or =>
        for li, line in enumerate(lines):
            s = line.strip()
            m = re.match(r'^(?:(?:public|private|protected|internal|static|override|virtual|abstract|sealed|async|unsafe|extern|new|partial|readonly)\s+)*[\w<>\[\],.?() ]*?\b(\w+)\s*(<[^()]*>)?\s*\(', s)
            if not m: continue
            name = m.group(1)
            if name in KW: continue
            if s.endswith(';'): continue
            if re.match(r'^(return|var|await|throw|yield|if|else|while|for|foreach|using|lock|switch|case)\b', s): continue
            if '=' in s.split('(')[0]: continue  # assignment / call
            # header must start a declaration: require a type or modifier before name, or a ctor
            before = s[:m.start(1)].strip()
            if not before and not re.match(r'^[A-Z]', name): continue
            if not before: continue
            if before.endswith('.') or before.startswith('(') or re.search(r'["=]', before) or re.search(r'\b(class|record|struct|interface|enum|delegate)\b', before): continue
            # find start: first '{' or '=>' after header at paren depth 0
            text = '\n'.join(lines[li:li+15])
            depth = 0; k = 0; kind = None
            while k < len(text):
                ch = text[k]
                if ch == '(' : depth += 1
                elif ch == ')': depth -= 1
                elif depth == 0 and ch == ';': kind = None; break
                elif depth == 0 and ch == '{': kind = 'block'; break
                elif depth == 0 and text.startswith('=>', k): kind = 'expr'; break
                k += 1
            if kind is None: continue
            startline = li + text[:k].count('\n')
            rest = '\n'.join(lines[startline:])
            off = len('\n'.join(lines[li:startline])) + (1 if startline > li else 0)
            col = k - off
            if kind == 'block':
                d = 0; j = col
                while j < len(rest):
                    if rest[j] == '{': d += 1
                    elif rest[j] == '}':
                        d -= 1
                        if d == 0: break
                    j += 1
            else:
                d = 0; j = col
                while j < len(rest):
                    if rest[j] in '({[': d += 1
                    elif rest[j] in ')}]': d -= 1
                    elif rest[j] == ';' and d == 0: break
                    j += 1
            endline = startline + rest[:j].count('\n')
            length = endline - li + 1
            if length >= N:
                results.append((length, p, li + 1, name))
for r in sorted(results, reverse=True):
    print(f"{r[0]:4d}  {r[1]}:{r[2]}  {r[3]}")
sys.exit(1 if results else 0)
