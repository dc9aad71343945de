// A strict little XML well-formedness checker for the SVG tests (no dependency):
// balanced tags, one root, quoted unique attributes, only the five entities and
// character references, no raw "<" or "&" in text or attribute values.

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

function checkText(s: string, where: number): void {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "<") throw new Error(`raw < at ${where + i}`);
    if (s[i] === "&" && !ENTITY.test(s.slice(i))) throw new Error(`bad entity at ${where + i}`);
  }
}

/** Parses `xml`, throwing on the first well-formedness error; returns the root element. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  if (xml.startsWith("<?xml")) {
    const end = xml.indexOf("?>");
    if (end < 0) throw new Error("unterminated XML declaration");
    i = end + 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    checkText(text, i);
    if (stack.length === 0 && text.trim() !== "") throw new Error(`text outside the root at ${i}`);
    if (stack.length > 0) stack[stack.length - 1]!.text += text;
    if (lt < 0) break;
    i = lt + 1;
    if (xml[i] === "/") {
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`</${m[0]}> closes <${open?.name ?? "nothing"}> at ${i}`);
      i += 1 + m[0].length;
      while (xml[i] === " " || xml[i] === "\n") i++;
      if (xml[i] !== ">") throw new Error(`bad end tag at ${i}`);
      i++;
      continue;
    }
    const m = NAME.exec(xml.slice(i));
    if (!m) throw new Error(`bad tag at ${i}`);
    i += m[0].length;
    const attributes: Record<string, string> = {};
    for (;;) {
      const ws = /^\s*/.exec(xml.slice(i))![0];
      i += ws.length;
      if (xml.startsWith("/>", i) || xml[i] === ">") break;
      if (ws === "") throw new Error(`no space before attribute at ${i}`);
      const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"]*)"/.exec(xml.slice(i));
      if (!a) throw new Error(`bad attribute at ${i}`);
      if (a[1]! in attributes) throw new Error(`duplicate attribute ${a[1]!} at ${i}`);
      checkText(a[2]!, i);
      attributes[a[1]!] = a[2]!;
      i += a[0].length;
    }
    const el: XmlElement = { name: m[0], attributes, children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root !== null) throw new Error(`second root <${m[0]}> at ${i}`);
    else root = el;
    if (xml.startsWith("/>", i)) i += 2;
    else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> not closed`);
  if (root === null) throw new Error("no root element");
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
