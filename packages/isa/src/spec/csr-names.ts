/**
 * CSR names, as GNU objdump 2.40 prints them (latest privileged spec, every extension).
 * Format: `hex:name`, `hex:prefix{a-b}suffix` for a numbered run starting at `hex`.
 */
const CSR_LIST =
  "1:fflags 2:frm 3:fcsr 8:vstart 9:vxsat a:vxrm f:vcsr 15:seed 100:sstatus 104:sie 105:stvec " +
  "106:scounteren 10a:senvcfg 10c:sstateen{0-3} 114:sieh 140:sscratch 141:sepc 142:scause 143:stval " +
  "144:sip 14d:stimecmp 150:siselect 151:sireg 154:siph 15c:stopei 15d:stimecmph 180:satp " +
  "200:vsstatus 204:vsie 205:vstvec 214:vsieh 240:vsscratch 241:vsepc 242:vscause 243:vstval " +
  "244:vsip 24d:vstimecmp 250:vsiselect 251:vsireg 254:vsiph 25c:vstopei 25d:vstimecmph 280:vsatp " +
  "300:mstatus 301:misa 302:medeleg 303:mideleg 304:mie 305:mtvec 306:mcounteren 308:mvien 309:mvip " +
  "30a:menvcfg 30c:mstateen{0-3} 310:mstatush 313:midelegh 314:mieh 318:mvienh 319:mviph " +
  "31a:menvcfgh 31c:mstateen{0-3}h 320:mcountinhibit 323:mhpmevent{3-31} 340:mscratch 341:mepc " +
  "342:mcause 343:mtval 344:mip 34a:mtinst 34b:mtval2 350:miselect 351:mireg 354:miph 35c:mtopei " +
  "3a0:pmpcfg{0-15} 3b0:pmpaddr{0-63} 5a8:scontext 600:hstatus 602:hedeleg 603:hideleg 604:hie " +
  "605:htimedelta 606:hcounteren 607:hgeie 608:hvien 609:hvictl 60a:henvcfg 60c:hstateen{0-3} " +
  "613:hidelegh 615:htimedeltah 618:hvienh 61a:henvcfgh 61c:hstateen{0-3}h 643:htval 644:hip " +
  "645:hvip 646:hviprio1 647:hviprio2 64a:htinst 655:hviph 656:hviprio1h 657:hviprio2h 680:hgatp " +
  "6a8:hcontext 723:mhpmevent{3-31}h 747:mseccfg 757:mseccfgh 7a0:tselect 7a1:tdata{1-3} 7a4:tinfo " +
  "7a5:tcontrol 7a8:mcontext 7aa:mscontext 7b0:dcsr 7b1:dpc 7b2:dscratch0 7b3:dscratch1 b00:mcycle " +
  "b02:minstret b03:mhpmcounter{3-31} b80:mcycleh b82:minstreth b83:mhpmcounter{3-31}h c00:cycle " +
  "c01:time c02:instret c03:hpmcounter{3-31} c20:vl c21:vtype c22:vlenb c80:cycleh c81:timeh " +
  "c82:instreth c83:hpmcounter{3-31}h da0:scountovf db0:stopi e12:hgeip eb0:vstopi f11:mvendorid " +
  "f12:marchid f13:mimpid f14:mhartid f15:mconfigptr fb0:mtopi ";

const nameByNumber = new Map<number, string>();
const numberByName = new Map<string, number>();
for (const entry of CSR_LIST.trim().split(/\s+/)) {
  const [hex, name] = entry.split(":") as [string, string];
  const base = parseInt(hex, 16);
  const run = /^([a-z]+)\{(\d+)-(\d+)\}(h?)$/.exec(name);
  const add = (n: string, num: number): void => {
    nameByNumber.set(num, n);
    numberByName.set(n, num);
  };
  if (run === null) add(name, base);
  else for (let i = Number(run[2]); i <= Number(run[3]); i++) add(`${run[1]}${i}${run[4]}`, base + i - Number(run[2]));
}

/** The name objdump prints for a CSR number, or undefined (objdump then prints the number in hex). */
export function csrName(csr: number): string | undefined {
  return nameByNumber.get(csr);
}

/** The number of a CSR name, or undefined. */
export function csrNumber(name: string): number | undefined {
  return numberByName.get(name);
}
