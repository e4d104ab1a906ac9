# SPDX-License-Identifier: GPL-2.0-only
"""The compare screen's explanations in Chinese: what a learner is told of each known
difference between the model (Linux 6.1) and this machine's kernel (lab/realkernel/known.py).

Keyed by (id, since), as one id can be both a change of a later kernel and a fact of this
machine. Every number, flag and function name of the English is kept (a test checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lab.realkernel.known import Known

LEARNER_ZH: dict[tuple[str, tuple[int, int] | None], str] = {
    ("thp-anon-alignment", (6, 7)):
        "从 Linux 6.7 起，长度为 2 MiB 整数倍的私有匿名映射会被放在 2 MiB 边界上，以便用透明大页"
        "支撑它；6.1 则把它紧挨着放在上一个映射下方。（6.7 到 6.11 对任何 2 MiB 及以上的长度都这样"
        "做；6.12 把它限制为 2 MiB 的整数倍。）",
    ("thp-topdown-preference", (6, 8)):
        "为了让 2 MiB 及以上的文件映射按大页对齐，内核会多申请 2 MiB，再把映射放在其中。当这块更大"
        "区域的起点本身已经对齐时，6.1 直接使用它；从 6.8 起，内核改用高 2 MiB 的那个对齐地址，即"
        "自顶向下布局偏好的一端（用 MAP_32BIT 时可以看到，它自底向上搜索）。",
    ("map-stack-nohugepage", (6, 7)):
        "从 Linux 6.7 起，MAP_STACK 映射会被标记为 VM_NOHUGEPAGE（VmFlags 中的 'nh'），因此线程栈"
        "不会由大页支撑；由于标志不同，它也不再与相邻的普通匿名映射合并。6.1 忽略 MAP_STACK。",
    ("map-above4g", (6, 6)):
        "Linux 6.6 为 x86 影子栈加入了 MAP_ABOVE4G（0x80）：映射必须位于 4 GiB 以上，且 "
        "MAP_SHARED_VALIDATE 接受这一位。6.1 不认识它：普通 mmap 忽略它，而 MAP_SHARED_VALIDATE "
        "以 EOPNOTSUPP 拒绝。",
    ("map-droppable", (6, 11)):
        "Linux 6.11 加入了映射类型 MAP_DROPPABLE（0x08）：内核在内存紧张时可以丢弃的内存（vDSO 的 "
        "getrandom 使用它）。6.1 只认识 MAP_SHARED、MAP_PRIVATE 和 MAP_SHARED_VALIDATE，并以 "
        "EINVAL 拒绝 0x08。",
    ("mprotect-unaccounts-unfaulted", (6, 5)):
        "私有可写匿名映射会计入 overcommit 记账（VM_ACCOUNT，VmFlags 中的 'ac'）。Linux 6.1 在 "
        "mprotect 把它改为只读时仍保留这份记账；从 6.5 起，如果它的页从未被访问过，记账会被退还，"
        "'ac' 消失，于是这一段也不再与仍被记账的相邻映射合并。",
    ("map-fixed-failure-keeps-old", (6, 12)):
        "当 MAP_FIXED 的 mmap 在 overcommit 检查处失败时，Linux 6.1 已经解除了原来的映射，留下一个"
        "空洞。从 6.12 起，内核会保留旧映射，直到确定新映射能够成功。（若失败发生在文件自己的 mmap "
        "中，两者都仍会留下空洞。）",
    ("fixed-split-error", (6, 12)):
        "MAP_FIXED 会先解除挡在路上的映射，对只覆盖了一部分的映射进行拆分。大页映射只能在大页边界上"
        "拆分。Linux 6.1 把这次解除映射的任何失败都变成 ENOMEM；从 6.12 起，mmap 返回拆分本身的"
        "错误，即 EINVAL。",
    ("hugetlb-generic-placement", (6, 13)):
        "在 x86 上，Linux 6.1 用自己的代码（arch/x86/mm/hugetlbpage.c）放置大页映射：它把地址提示"
        "向下取整到大页边界（低于 2 MiB 的提示会变成 0，被 mmap_min_addr 以 EPERM 拒绝），并忽略 "
        "MAP_32BIT。从 6.13 起由通用代码来做：提示向上取整，且 MAP_32BIT 会被遵守。",
    ("dev-zero-private-thp", (6, 2)):
        "/dev/zero 的私有映射就是匿名内存。Linux 6.1 像放置任何小映射一样放置它；较新的内核则像放置"
        "可能使用大页的文件映射那样放置它：2 MiB 及以上的映射会放在这样一个地址上，它在 2 MiB 内的"
        "偏移与文件偏移的相同。（在 6.18 上观察到；首个引入它的版本这里没有确定。）",
    ("file-readahead-folios", (6, 2)):
        "文件映射上的读缺页会映射它需要的页，并通过 fault-around 映射周围已在页缓存中的页；具体是"
        "哪些页取决于预读和页缓存中 folio 的大小。这两者在 6.1 之后都变了（页缓存中的大 folio，"
        "ext4 从 6.16 起也使用），因此在 ext4 文件上缺页之后存在的页数与 6.1 相差几页。这里只测量了"
        "本机的内核；6.1 自己的页数是模型对其代码的解读。",
    ("mprotect-unaccounts-unfaulted", (6, 8)):
        "私有可写映射会计入 overcommit 记账（VM_ACCOUNT，VmFlags 中的 'ac'）。Linux 6.1 在 "
        "mprotect() 把映射改为只读时仍保留这份记账。较新的内核在匿名映射的页从未被访问过时（它还"
        "没有 "
        "anon_vma）会退还记账，于是 'ac' 消失。（在 6.18 上观察到；首个引入它的版本这里没有确定。"
        "）",
    ("no-soft-dirty", None):
        "模型的内核（Debian 的 6.1）启用了 CONFIG_MEM_SOFT_DIRTY，所以每个新映射的 VmFlags 中都有 "
        "'sd'。本机的内核编译时没有启用它，所以这里从不出现 'sd'。这是一个编译选项，不是 mmap 的"
        "变化。",
    ("more-ram", None):
        "默认世界有 8 GiB 内存；在 vm.overcommit_memory=0 下，单个大于内存加交换区的映射会以 ENOM"
        "EM "
        "被拒绝。本机内存更多，所以介于 8 GiB 和本机内存大小之间的映射在这里能通过这项检查。",
    ("open-accmode-3", None):
        "Linux 接受以 O_ACCMODE（3）作为访问模式的 open()：文件只为 ioctl 打开，既不可读也不可写，"
        "随后 mmap 以 EACCES 拒绝它。模型的 open 以 EINVAL 拒绝它。",
    ("thp-unaligned-signed-compare", None):
        "对于低于 2^63、且距其不到 2 MiB 的文件偏移，6.1 的 `(off + len_pad) < off` 是无符号比较"
        "（len_pad 是 unsigned long），所以内核会继续把映射按偏移对 2 MiB 取模对齐；模型则把和回"
        "绕成"
        "负的 loff_t 并放弃。",
    ("locked-not-proportional", None):
        "6.1 把锁定的页按比例份额（Pss）计入 Locked：被映射两次的页在每个映射中各算一半。模型把整"
        "个 "
        "Rss 都计入了。",
}


def learner_text(known: Known, lang: str) -> str:
    """What a learner is told of a known difference, in `lang` (English if not there)."""
    if lang == "zh":
        return LEARNER_ZH.get((known.id, known.since), known.learner)
    return known.learner
