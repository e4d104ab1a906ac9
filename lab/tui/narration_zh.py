# SPDX-License-Identifier: GPL-2.0-only
"""The narration's words in Simplified Chinese: data only, the logic is in narration.py.

`SENTENCES_ZH` has exactly the keys of `narration.SENTENCES` (a test holds us to it).
`ERRNO_MEANINGS_ZH` says what `MMAP_ERRNO_MEANINGS` says; its first sentence is the gist the
narration quotes. `NOT_MODELLED_ZH` translates the reasons the twin gives to `not_modelled()`,
keyed by the English reason; a reason missing here is shown in English.
"""

from __future__ import annotations

#: The same keys as narration.SENTENCES, in Chinese.
SENTENCES_ZH: dict[tuple[str, str], str] = {
    # arch/x86/kernel/sys_x86_64.c
    ("SYSCALL_DEFINE6(mmap)", "if (off & ~PAGE_MASK)"):
        "这是 x86-64 上系统调用的入口。mmap(2) 接收的是字节偏移量，内核却以页为单位工作："
        "不是 4096 整数倍的偏移量在这里就被拒绝。",
    ("SYSCALL_DEFINE6(mmap)", "return ksys_mmap_pgoff("):
        "交给与体系结构无关的代码继续处理，同时把字节偏移量换算成页偏移量"
        "（off >> PAGE_SHIFT）。",
    # mm/mmap.c: ksys_mmap_pgoff
    ("ksys_mmap_pgoff", "if (!(flags & MAP_ANONYMOUS))"):
        "文件映射离不开文件：除非给了 MAP_ANONYMOUS，否则 fd 必须指向一个已打开的文件。",
    ("ksys_mmap_pgoff", "file = fget(fd);"):
        "在进程的文件表中查找这个文件描述符，并增加文件的引用计数。",
    ("ksys_mmap_pgoff", "if (flags & MAP_HUGETLB)"):
        "匿名大页背后是内核内部 hugetlbfs 挂载点上的一个隐藏文件。",
    ("ksys_mmap_pgoff", "retval = vm_mmap_pgoff("):
        "所有 mmap 的必经之路：先过安全钩子，再拿 mmap 锁，然后调用 do_mmap()。",
    # mm/util.c: vm_mmap_pgoff
    ("vm_mmap_pgoff", "ret = security_mmap_file("):
        "询问安全模块（以及 capability 检查）：到底允不允许建立这个映射。",
    ("vm_mmap_pgoff", "if (mmap_write_lock_killable(mm))"):
        "以写方式获取地址空间的 mmap 锁：VMA 树马上就要改动。",
    ("vm_mmap_pgoff", "ret = do_mmap("):
        "do_mmap() 检查参数、选定地址并建立 VMA；它通过 `populate` 告诉我们，"
        "之后是否还要把页面预先调入。",
    ("vm_mmap_pgoff", "mmap_write_unlock(mm);"):
        "VMA 已经建好；在调入任何页面之前，先把锁释放。",
    ("vm_mmap_pgoff", "if (populate)"):
        "MAP_POPULATE（或 MAP_LOCKED）要求现在就把页面准备好，而不是等到第一次访问。",
    ("vm_mmap_pgoff", "mm_populate(ret, populate);"):
        "把新映射的每一页都调入内存，就像进程把每一页都访问了一遍。",
    # mm/mmap.c: do_mmap
    ("do_mmap", "if (!len)"):
        "长度为 0 的映射毫无意义：mmap(2) 规定返回 EINVAL。",
    ("do_mmap", "if ((prot & PROT_READ) && (current->personality & READ_IMPLIES_EXEC))"):
        "老式二进制程序（personality 带 READ_IMPLIES_EXEC）只要申请 PROT_READ，"
        "就会同时得到 PROT_EXEC。",
    ("do_mmap", "if (flags & MAP_FIXED_NOREPLACE)"):
        "MAP_FIXED_NOREPLACE 就是不肯覆盖已有映射的 MAP_FIXED。",
    ("do_mmap", "if (!(flags & MAP_FIXED))"):
        "没有 MAP_FIXED 时，地址只是一个提示；低于 vm.mmap_min_addr 的提示会被抬高到"
        "这个值。",
    ("do_mmap", "len = PAGE_ALIGN(len);"):
        "映射总是由整页组成：长度向上取整到 4096 的整数倍。",
    ("do_mmap", "if ((pgoff + (len >> PAGE_SHIFT)) < pgoff)"):
        "小心溢出：映射末端的页偏移量不能发生回绕。",
    ("do_mmap", "if (mm->map_count > sysctl_max_map_count)"):
        "一个进程最多只能有 vm.max_map_count 个映射（默认 65530）。",
    ("do_mmap", "addr = get_unmapped_area("):
        "决定映射放在哪里：提示的地址空闲就用它，否则取 mmap_base 之下最高的一段空闲区间"
        "（自顶向下）；有 MAP_FIXED 时则不折不扣地放在 addr。",
    ("do_mmap", "if (IS_ERR_VALUE(addr))"):
        "get_unmapped_area() 返回一个地址；如果这个值落在地址空间的最后一页，"
        "它其实是一个负的错误码。",
    ("do_mmap", "vm_flags = calc_vm_prot_bits("):
        "把 PROT_* 和 MAP_* 换算成 VMA 的 VM_* 标志位；VM_MAYREAD、VM_MAYWRITE 和 "
        "VM_MAYEXEC 规定了以后 mprotect() 最多能放开哪些权限。",
    ("do_mmap", "if (flags & MAP_LOCKED)"):
        "MAP_LOCKED 把页面锁定在内存中，这需要 CAP_IPC_LOCK，或者 RLIMIT_MEMLOCK "
        "之下还有余量。",
    ("do_mmap", "if (mlock_future_check("):
        "锁定这个映射会不会超出 RLIMIT_MEMLOCK？超出就返回 EAGAIN。",
    ("do_mmap", "if (file)"):
        "这是文件映射：文件的打开模式决定了映射可以拥有哪些权限。",
    ("do_mmap", "if (!file_mmap_ok("):
        "偏移量和长度必须落在这类文件所能寻址的范围之内。",
    ("do_mmap", "switch (flags & MAP_TYPE)"):
        "映射类型：MAP_SHARED（写入会到达文件）、MAP_PRIVATE（写时复制），或 "
        "MAP_SHARED_VALIDATE（共享映射，遇到不认识的标志位就报错）。",
    ("do_mmap", "if (!(file->f_mode & FMODE_WRITE))"):
        "共享可写映射会把数据写进文件，所以文件必须以可写方式打开。",
    ("do_mmap", "if (!(file->f_mode & FMODE_READ))"):
        "任何文件映射都要读文件，所以文件必须以可读方式打开。",
    ("do_mmap", "if (path_noexec(&file->f_path))"):
        "noexec 挂载点上的文件可以映射，但绝不能映射成可执行的。",
    ("do_mmap", "if (!file->f_op->mmap)"):
        "文件所在的文件系统或驱动程序必须支持映射操作。",
    ("do_mmap", "vm_flags |= VM_SHARED | VM_MAYSHARE;"):
        "共享映射：映射这块内存的所有进程看到的都是同一批页。",
    ("do_mmap", "pgoff = addr >> PAGE_SHIFT;"):
        "按 addr 为 anon_vma 设置 pgoff：匿名页按地址编号。",
    ("do_mmap", "if (flags & MAP_NORESERVE)"):
        "MAP_NORESERVE：这个映射不计入 overcommit 上限（除非 overcommit 策略是“从不”）。",
    ("do_mmap", "addr = mmap_region("):
        "真正的工作由 mmap_region() 完成：记账、与相邻 VMA 合并或分配新的 VMA，"
        "再把它插入树中。",
    ("do_mmap", "if (!IS_ERR_VALUE(addr) && ((vm_flags & VM_LOCKED)"):
        "是否要求现在就把页面准备好（MAP_POPULATE 且没有 MAP_NONBLOCK，或者 MAP_LOCKED）？",
    ("do_mmap", "*populate = len;"):
        "告诉 vm_mmap_pgoff()：释放锁之后要预先调入多少字节。",
    # get_unmapped_area and the top-down allocator
    ("get_unmapped_area", "if (len > TASK_SIZE)"):
        "任何映射都不能比用户地址空间还大（x86-64 上是 128 TiB）。",
    ("get_unmapped_area", "get_area = current->mm->get_unmapped_area;"):
        "进程的地址分配器：按 x86-64 的设置，从 mmap_base 开始自顶向下分配。",
    ("get_unmapped_area", "addr = get_area("):
        "向分配器要一段长 len 字节的空闲区间。",
    ("get_unmapped_area", "error = security_mmap_addr(addr);"):
        "低于 vm.mmap_min_addr 的地址需要 CAP_SYS_RAWIO（这是防范空指针解引用漏洞的一道"
        "屏障）。",
    ("arch_get_unmapped_area_topdown", "if (flags & MAP_FIXED)"):
        "MAP_FIXED：调用者给的地址原样采用。",
    ("arch_get_unmapped_area_topdown", "if (addr)"):
        "有地址提示：如果那里的区间空闲（连同栈的保护间隙一起算），就用它。",
    ("arch_get_unmapped_area_topdown", "info.high_limit = get_mmap_base(0);"):
        "从 mmap_base 向下搜索；mmap_base 是栈下方 mmap 区域的顶端。",
    ("arch_get_unmapped_area_topdown", "addr = vm_unmapped_area(&info);"):
        "在 VMA 树中找出足够大的最高一段空隙。",
    ("unmapped_area_topdown", "if (mas_empty_area_rev("):
        "在存放 VMA 的 maple 树中倒着查找，找一段长度满足要求的空区间。",
    ("unmapped_area_topdown", "gap = mas.last + 1 - info->length;"):
        "取空隙的顶端，让映射紧贴在上方邻居的下面。",
    # mmap_region / __mmap_region
    ("mmap_region", "ret = __mmap_region("):
        "Linux 6.1.192 把原来的 mmap_region() 拆成了两层：实际工作在 __mmap_region() 里。",
    ("__mmap_region", "if (!may_expand_vm("):
        "用 RLIMIT_AS 和 RLIMIT_DATA 检查进程的映射总量和数据映射量。",
    ("__mmap_region", "if (do_mas_munmap("):
        "解除挡路的旧映射（只有 MAP_FIXED 才会要求一段已被占用的区间）。",
    ("__mmap_region", "if (accountable_mapping("):
        "私有可写内存是内核对进程许下的承诺：它要计入 overcommit 记账。",
    ("__mmap_region", "if (security_vm_enough_memory_mm("):
        "由内存过量使用（overcommit）策略决定，内核能否承诺这么多内存。",
    ("__mmap_region", "next = mas_next("):
        "找出上下两个邻居：新区间也许可以让其中一个扩展过来。",
    ("__mmap_region", "if (next && next->vm_start == end"):
        "新映射能否与紧挨在上方的 VMA 合并（标志位、文件和偏移量都要对得上）？",
    ("__mmap_region", "if (prev && prev->vm_end == addr"):
        "能否与紧挨在下方的 VMA 合并？",
    ("__mmap_region", "if (vma && !vma_expand("):
        "有合适的邻居：把它扩展到覆盖新区间，不必再分配 VMA。",
    ("__mmap_region", "vma = vm_area_alloc(mm);"):
        "无法合并：为这个映射分配一个新的 struct vm_area_struct。",
    ("__mmap_region", "vma->vm_start = addr;"):
        "填写新 VMA：地址范围、标志位、页保护属性和偏移量。",
    ("__mmap_region", "vma->vm_page_prot = vm_get_page_prot(vm_flags);"):
        "这个 VMA 中每一页的 PTE 将使用的权限位，由它的 VM_* 标志位推导而来。",
    ("__mmap_region", "error = mmap_file(file, vma);"):
        "由文件自己的 ->mmap() 方法完成映射的设置（它也可能拒绝）。",
    ("__mmap_region", "error = shmem_zero_setup(vma);"):
        "共享匿名内存背后是内核内部 shmem 挂载点上的一个文件（maps 中显示为 "
        "/dev/zero (deleted)）。",
    ("__mmap_region", "vma_set_anonymous(vma);"):
        "私有匿名内存没有文件：它的页要到缺页时才有，不是零页就是新分配的页框。",
    ("__mmap_region", "vma_mas_store(vma, &mas);"):
        "把 VMA 插入 maple 树：从这一刻起，它出现在 /proc/PID/maps 中。",
    ("__mmap_region", "mm->map_count++;"):
        "又多了一个映射，计入 vm.max_map_count 的限额。",
    ("__mmap_region", "vm_stat_account("):
        "把这些页加到进程的计数器上（total_vm、data_vm 等）。",
    ("__mmap_region", "vma->vm_flags |= VM_SOFTDIRTY;"):
        "新映射一开始就带着软脏（soft-dirty）标记，跟踪内存写入的工具才能看到它们。",
    ("__mmap_region", "return addr;"):
        "映射已经建立：地址一路返回给调用者，而它的页一个都还没有映射进来。",
    # populate
    ("__mm_populate", "for (nstart = start; nstart < end; nstart = nend)"):
        "逐个 VMA 走过整个区间，把每一段的页调入内存。",
    ("__mm_populate", "ret = populate_vma_page_range("):
        "调入区间中落在这个 VMA 里的那些页。",
    ("populate_vma_page_range", "gup_flags = FOLL_TOUCH;"):
        "get_user_pages 的标志位：FOLL_TOUCH 像真正的访问一样，把页标记为已访问。",
    ("populate_vma_page_range", "if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)"):
        "私有可写映射按写访问来预先调页（FOLL_WRITE），于是写时复制现在就发生，"
        "以后的写入不会再触发缺页异常。",
    ("populate_vma_page_range", "if (vma_is_accessible(vma))"):
        "VMA 可以访问，于是加上 FOLL_FORCE：无论保护属性如何，页面遍历都照常进行。",
    ("populate_vma_page_range", "ret = __get_user_pages("):
        "通用的页面遍历器：对每一页，要么在页表中找到它，要么通过缺页把它调进来。",
    ("__get_user_pages", "page = follow_page_mask("):
        "沿页表查这个地址：那里是否已经映射了一个页？",
    ("__get_user_pages", "if (!page || PTR_ERR(page) == -EMLINK)"):
        "还没有映射任何页：必须通过缺页把它调进来。",
    ("__get_user_pages", "ret = faultin_page("):
        "替进程触发这次缺页异常。",
    ("__get_user_pages", "start += page_increm * PAGE_SIZE;"):
        "轮到下一页。",
    ("faultin_page", "if (*flags & FOLL_WRITE)"):
        "FOLL_WRITE 的遍历对应一次写缺页（FAULT_FLAG_WRITE）。",
    ("faultin_page", "ret = handle_mm_fault("):
        "所有缺页异常都要经过的处理函数，不管它来自 CPU 还是来自 gup。",
    ("handle_mm_fault", "ret = __handle_mm_fault("):
        "一路向下走到 PTE，途中缺哪一级页表就分配哪一级。",
    ("__handle_mm_fault", "pgd = pgd_offset(mm, address);"):
        "地址的第 47-39 位索引 PGD，也就是最顶层的页表（CR3 指向它）。",
    ("__handle_mm_fault", "vmf.pud = pud_alloc("):
        "第 38-30 位索引 PUD；如果这一级页表不存在，就分配一个。",
    ("__handle_mm_fault", "vmf.pmd = pmd_alloc("):
        "第 29-21 位索引 PMD；如果这一级页表不存在，就分配一个。",
    ("__handle_mm_fault", "return handle_pte_fault(&vmf);"):
        "到了最后一级：第 20-12 位索引 PTE。",
    ("handle_pte_fault", "if (pte_none(vmf->orig_pte))"):
        "PTE 是空的：这一页从来没有被访问过。",
    ("handle_pte_fault", "return do_anonymous_page(vmf);"):
        "匿名内存：映射一个新页（或者零页）。",
    ("handle_pte_fault", "return do_fault(vmf);"):
        "文件映射的内存：页来自页缓存。",
    ("do_anonymous_page", "if (!(vmf->flags & FAULT_FLAG_WRITE) && !mm_forbids_zeropage("):
        "读一块从未访问过的匿名内存时，映射的是共享的零页，而且只读：在第一次写入之前，"
        "不占用任何内存。",
    ("do_anonymous_page", "if (pte_alloc("):
        "如果这是所在 2 MiB 范围内的第一页，就先分配 PTE 页表。",
    ("do_anonymous_page", "page = alloc_zeroed_user_highpage_movable("):
        "这是写访问：分配一个新的页框并清零（进程之间不会泄露数据）。",
    ("do_anonymous_page", "entry = mk_pte(page, vma->vm_page_prot);"):
        "构造 PTE：页框号（PFN）加上 VMA 的保护位。",
    ("do_anonymous_page", "entry = pte_mkwrite(pte_mkdirty(entry));"):
        "可写映射：PTE 带上 RW 位，并且一开始就是脏的（写入马上就到）。",
    ("do_anonymous_page", "inc_mm_counter_fast("):
        "进程的 Rss 中又多了一个匿名页。",
    ("do_anonymous_page", "set_pte_at("):
        "写入 PTE：从此 MMU 把这个地址翻译到新的页框。",
    ("do_anonymous_page", "if (vma->vm_flags & VM_WRITE)"):
        "只有可写映射才得到可写的 PTE；否则 PTE 保持只读。",
    ("do_anonymous_page", "if (!pte_none(*vmf->pte))"):
        "PTE 可能已经被别人抢先填好（另一个线程对同一页触发了缺页）：那就没什么可做的了。",
    ("do_anonymous_page", "page_add_new_anon_rmap("):
        "记录反向映射（页 → VMA），以后内存回收才能找到是谁映射了它。",
    ("do_anonymous_page", "lru_cache_add_inactive_or_unevictable("):
        "把页放进 LRU 链表，内存回收从那里找页（VM_LOCKED 的内存则放进不可回收链表）。",
    ("do_anonymous_page", "entry = pte_mkspecial(pfn_pte(my_zero_pfn("):
        "PTE 指向零页：所有进程共用的那一个全零页框。",
    ("do_anonymous_page", "update_mmu_cache("):
        "通知体系结构代码有 PTE 变了（在 x86 上无事可做：TLB 里本来就没有这一项）。",
    # arch/x86/mm/fault.c: the CPU's page fault
    ("handle_page_fault", "if (unlikely(fault_in_kernel_space("):
        "出错的地址在内核的那一半吗？这里不是：它是一个用户地址。",
    ("handle_page_fault", "do_user_addr_fault("):
        "用户地址上的缺页异常：最常见的情况，对照进程的 VMA 来处理。",
    ("handle_page_fault", "if (unlikely(kmmio_fault("):
        "只用于内核的 MMIO 跟踪；普通的缺页异常照常往下走。",
    ("do_user_addr_fault", "if (unlikely(error_code & X86_PF_RSVD))"):
        "页表项中如果置了保留位，就说明页表已经损坏。",
    ("do_user_addr_fault", "if (unlikely(cpu_feature_enabled(X86_FEATURE_SMAP)"):
        "SMAP：连内核自己也不能无意中访问用户内存。",
    ("do_user_addr_fault", "unsigned int flags = FAULT_FLAG_DEFAULT;"):
        "缺页标志位从默认值开始（这次缺页可以重试，也可以被信号终止）。",
    ("do_user_addr_fault", "if (user_mode(regs))"):
        "缺页来自用户态：重新打开中断，并在下面加上 FAULT_FLAG_USER。",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_USER;"):
        "标记这次缺页是替用户态处理的。",
    ("do_user_addr_fault", "if (error_code & X86_PF_WRITE)"):
        "CPU 的错误码（第 1 位）说明这次访问是不是写。",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_WRITE;"):
        "写访问：处理程序必须给出一个可写的页（如果页是共享的，还要先复制）。",
    ("do_user_addr_fault", "if (error_code & X86_PF_INSTR)"):
        "取指令（第 4 位）：这一页必须可执行。",
    ("do_user_addr_fault", "vma = lock_mm_and_find_vma("):
        "以读方式获取 mmap 锁，并找到包含这个地址的 VMA。",
    ("do_user_addr_fault", "if (unlikely(!vma))"):
        "没有 VMA 包含这个地址：访问落在所有映射之外，于是 SIGSEGV（SEGV_MAPERR）。",
    ("do_user_addr_fault", "if (unlikely(access_error("):
        "有 VMA 包含这个地址，但它允许这种访问吗？不允许就是 SIGSEGV（SEGV_ACCERR）。",
    ("do_user_addr_fault", "fault = handle_mm_fault("):
        "真正的工作由与体系结构无关的缺页处理程序完成。",
    ("do_user_addr_fault", "if (unlikely(fault & VM_FAULT_RETRY))"):
        "处理程序为了等待 I/O 释放了 mmap 锁：重新处理一次缺页。",
    ("do_user_addr_fault", "flags |= FAULT_FLAG_TRIED;"):
        "标明这是第二次尝试，这样就不会再一次释放锁。",
    ("do_user_addr_fault", "mmap_read_unlock(mm);"):
        "缺页处理完毕：释放 mmap 锁。",
    ("do_user_addr_fault", "if (likely(!(fault & VM_FAULT_ERROR)))"):
        "没有出错：引发缺页的那条指令会重新执行，这一次就成功了。",
    ("do_user_addr_fault", "if (fault & VM_FAULT_OOM)"):
        "内存耗尽：由 OOM killer 决定杀掉哪个进程。",
    ("do_user_addr_fault", "if (fault & (VM_FAULT_SIGBUS"):
        "VM_FAULT_SIGBUS：这一页无法提供（超出了文件末尾，或者发生了 I/O 错误），"
        "于是进程收到 SIGBUS。",
    ("do_user_addr_fault", "do_sigbus("):
        "向进程发送 SIGBUS：使用 mmap 的数据库必须把它当作 I/O 错误来处理。",
    ("lock_mm_and_find_vma", "vma = find_vma(mm, addr);"):
        "在 maple 树中查找第一个结束地址高于该地址的 VMA。",
    ("lock_mm_and_find_vma", "if (likely(vma && (vma->vm_start <= addr)))"):
        "这个 VMA 的结束地址在该地址之上；它的起始地址是否也不高于该地址？",
    ("access_error", "if (error_code & X86_PF_WRITE)"):
        "写访问要求 VMA 带有 VM_WRITE。",
    ("access_error", "if (unlikely(!(vma->vm_flags & VM_WRITE)))"):
        "对没有 VM_WRITE 的 VMA 写入，属于保护错误。",
    ("access_error", "if (unlikely(error_code & X86_PF_PROT))"):
        "这次读访问碰到的页是 present 的，却被保护位拒绝了。",
    ("access_error", "if (unlikely(!vma_is_accessible("):
        "读访问需要 VM_READ、VM_WRITE 或 VM_EXEC 之一：PROT_NONE 的 VMA 什么访问都不允许。",
    # mm/memory.c: the generic fault handler
    ("handle_mm_fault", "if (!arch_vma_access_permitted("):
        "内存保护键（protection keys）可能禁止这次访问；实验中的进程没有使用它。",
    ("handle_mm_fault", "if (unlikely(is_vm_hugetlb_page(vma)))"):
        "hugetlb 的 VMA 有自己的缺页处理函数；其他 VMA 都走 __handle_mm_fault()。",
    ("handle_mm_fault", "count_vm_event(PGFAULT);"):
        "统计这次缺页（/proc/vmstat 中的 pgfault）。",
    ("handle_mm_fault", "mm_account_fault("):
        "也记到进程头上（min_flt 或 maj_flt，getrusage 和 ps 显示的就是它们）。",
    ("__handle_mm_fault", "struct vm_fault vmf = {"):
        "struct vm_fault 把这次缺页的全部信息带给下面的各个处理函数：VMA、按页对齐的地址、"
        "标志位，以及在文件中的页偏移量。",
    ("__handle_mm_fault", "p4d = p4d_alloc("):
        "四级页表下，P4D 这一级折叠进了 PGD：两者是同一个表项。",
    ("__handle_mm_fault", "if (pmd_none(*vmf.pmd) && hugepage_vma_check("):
        "能否用一个透明大页一次映射整整 2 MiB？只有 VMA 足够大、对齐合适，并且启用了 THP "
        "才行。",
    ("__handle_mm_fault", "vmf.orig_pmd = *vmf.pmd;"):
        "记下 PMD 原来的值，以便之后发现并发的修改。",
    ("handle_pte_fault", "if (unlikely(pmd_none(*vmf->pmd)))"):
        "这个 PMD 下面还没有 PTE 页表：没有 PTE 可看。",
    ("handle_pte_fault", "vmf->pte = pte_offset_map("):
        "在页表中找到这个地址对应的 PTE。",
    ("handle_pte_fault", "vmf->orig_pte = *vmf->pte;"):
        "把 PTE 当前的值复制一份。",
    ("handle_pte_fault", "if (!vmf->pte)"):
        "根本没有 PTE（没有页表，或者表项为空）：得去找一个页，或者新建一个。",
    ("handle_pte_fault", "if (vma_is_anonymous(vmf->vma))"):
        "是匿名 VMA（没有 vm_ops），还是有文件在背后的 VMA？",
    ("handle_pte_fault", "if (!pte_present(vmf->orig_pte))"):
        "不 present 却也不为空的 PTE 存放的是交换项：这一页在交换区里。",
    ("handle_pte_fault", "if (vmf->flags & (FAULT_FLAG_WRITE|FAULT_FLAG_UNSHARE))"):
        "页是 present 的，所以这是一次权限缺页：对只读 PTE 的写入。",
    ("handle_pte_fault", "if (!pte_write(entry))"):
        "PTE 是只读的：需要写时复制（或者是对共享页的第一次写入）。",
    ("handle_pte_fault", "return do_wp_page(vmf);"):
        "do_wp_page() 处理对写保护页的写入：要么复制一份，要么直接复用。",
    # mm/memory.c: file faults
    ("do_fault", "if (!vma->vm_ops->fault)"):
        "驱动没有提供缺页处理函数的文件映射无法调入页面：SIGBUS。",
    ("do_fault", "if (!(vmf->flags & FAULT_FLAG_WRITE))"):
        "读缺页：页缓存里的页原样映射进来。",
    ("do_fault", "ret = do_read_fault(vmf);"):
        "把文件的这一页只读映射进来（借助 fault-around，还有它的邻居）。",
    ("do_fault", "if (!(vma->vm_flags & VM_SHARED))"):
        "对私有文件映射的写入：进程得到这一页自己的副本。",
    ("do_fault", "ret = do_cow_fault(vmf);"):
        "写时复制：先读出文件的这一页，再把它复制到一个新的匿名页里。",
    ("do_fault", "ret = do_shared_fault(vmf);"):
        "对共享文件映射的写入：页缓存中的页本身被映射为可写并标记为脏，"
        "日后会被回写到文件。",
    ("do_read_fault", "if (should_fault_around(vmf))"):
        "不只映射这一页，还顺带映射最多 16 个已在页缓存中的邻居（fault_around_bytes，"
        "64 KiB）：顺序读取时缺页次数更少。",
    ("do_read_fault", "ret = do_fault_around(vmf);"):
        "映射已缓存的邻居；如果出错的那一页也顺带映射好了，事情就办完了。",
    ("do_read_fault", "ret = __do_fault(vmf);"):
        "向文件系统要这一页（普通文件由 filemap_fault 处理）。",
    ("do_fault_around", "nr_pages = READ_ONCE(fault_around_bytes) >> PAGE_SHIFT;"):
        "fault-around 最多映射多少页：64 KiB 就是 16 页。",
    ("do_fault_around", "address = max(address & mask, vmf->vma->vm_start);"):
        "窗口从出错地址下方的 64 KiB 边界开始，但不早于 VMA 的起点。",
    ("do_fault_around", "return vmf->vma->vm_ops->map_pages("):
        "窗口中已经在页缓存里的页统统映射进来，不等待任何 I/O。",
    ("__do_fault", "ret = vma->vm_ops->fault(vmf);"):
        "由映射自己的缺页处理函数找到这一页，或者把它读进来。",
    ("__do_fault", "if (unlikely(ret & (VM_FAULT_ERROR"):
        "处理函数失败了（比如超出文件末尾时的 SIGBUS），或者要求重试。",
    ("finish_fault", "if ((vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))"):
        "私有写入映射的是副本，而不是页缓存中的页。",
    ("finish_fault", "do_set_pte("):
        "为这一页安装 PTE。",
    ("do_set_pte", "entry = mk_pte(page, vma->vm_page_prot);"):
        "用页的页框号和 VMA 的保护属性构造 PTE。",
    ("do_set_pte", "if (write)"):
        "写缺页：PTE 当即被设为脏且可写。",
    ("do_set_pte", "entry = maybe_mkwrite(pte_mkdirty(entry), vma);"):
        "设为脏；如果 VMA 带 VM_WRITE，再设为可写。",
    ("do_set_pte", "if (write && !(vma->vm_flags & VM_SHARED))"):
        "私有副本是匿名页；共享的页仍然是文件页。",
    ("do_set_pte", "page_add_file_rmap("):
        "记录这个 VMA 映射了该页缓存页（反向映射）。",
    ("do_set_pte", "inc_mm_counter_fast("):
        "进程的 Rss 又多了一页（页缓存页计入 RssFile）。",
    ("do_set_pte", "set_pte_at("):
        "写入 PTE：这个地址现在翻译到页缓存中的页框。",
    ("do_shared_fault", "ret = __do_fault(vmf);"):
        "在页缓存中找到这一页（必要时从文件读进来）。",
    ("do_shared_fault", "if (vma->vm_ops->page_mkwrite)"):
        "文件系统可能想在页变成可写之前得到通知（好预留磁盘块）。",
    ("do_shared_fault", "ret |= finish_fault(vmf);"):
        "把页缓存中的页映射为可写。",
    ("do_shared_fault", "ret |= fault_dirty_shared_page(vmf);"):
        "把页标记为脏：回写机制会把它写进文件，时机由内核决定，而不是由程序决定。",
    ("fault_dirty_shared_page", "dirtied = set_page_dirty(page);"):
        "页现在是脏的：它的文件在内存中有尚未写回的修改。",
    ("fault_dirty_shared_page", "balance_dirty_pages_ratelimited("):
        "脏页太多了吗？那么这个进程会被限速，直到回写赶上来：这正是数据库无法掌控的 I/O "
        "停顿之一。",
    ("fault_dirty_shared_page", "file_update_time("):
        "通过映射写入会更新文件的修改时间。",
    # mm/filemap.c: the page cache
    ("filemap_fault", "max_idx = DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE);"):
        "文件有多少页：文件大小向上取整到整页。",
    ("filemap_fault", "if (unlikely(index >= max_idx))"):
        "这一页位于文件末尾或更远处：没有东西可映射，于是 SIGBUS。",
    ("filemap_fault", "return VM_FAULT_SIGBUS;"):
        "VM_FAULT_SIGBUS 一路返回到 do_user_addr_fault()，由它发送 SIGBUS。",
    ("filemap_fault", "folio = filemap_get_folio(mapping, index);"):
        "这一页已经在页缓存里了吗？",
    ("filemap_fault", "if (likely(folio))"):
        "命中页缓存：属于次要缺页（minor fault），不需要 I/O。",
    ("filemap_fault", "fpin = do_sync_mmap_readahead(vmf);"):
        "没有命中：从文件读入这一页（借助预读，连同它周围的页一起读入）；进程要等磁盘。",
    ("filemap_fault", "ret = VM_FAULT_MAJOR;"):
        "属于主要缺页（major fault）：它需要 I/O（计入 maj_flt）。",
    ("filemap_fault", "count_vm_event(PGMAJFAULT);"):
        "统计这次主要缺页（/proc/vmstat 中的 pgmajfault）。",
    ("filemap_fault", "folio = __filemap_get_folio("):
        "为这个偏移量找到或新建页缓存页。",
    ("filemap_fault", "if (unlikely(!folio_test_uptodate(folio)))"):
        "这一页的数据已经从磁盘读进来了吗？",
    ("filemap_fault", "vmf->page = folio_file_page("):
        "要映射的页：文件中这个偏移量处的那一页。",
    ("filemap_fault", "return ret | VM_FAULT_LOCKED;"):
        "返回已加锁的页，交给 finish_fault() 去映射。",
    ("filemap_map_pages", "file_end = DIV_ROUND_UP(i_size_read("):
        "fault-around 绝不映射到文件末尾之后。",
    ("filemap_map_pages", "folio = first_map_page("):
        "窗口中第一个已在页缓存中并且就绪的页。",
    ("filemap_map_pages", "do_set_pte("):
        "映射窗口中的一个已缓存页。",
    ("filemap_map_pages", "if (vmf->address == addr)"):
        "这一页正是出错的那一页：这次缺页已经解决。",
    ("filemap_map_pages", "if (!pte_none(*vmf->pte))"):
        "已经映射过了：跳过。",
    # mm/memory.c: copy-on-write
    ("do_wp_page", "vmf->page = vm_normal_page("):
        "这里以只读方式映射的是哪一页（如果是零页，就没有）？",
    ("do_wp_page", "if (folio_test_anon(folio))"):
        "没有别人映射的匿名页可以原地复用：直接设为可写，不必复制。",
    ("do_wp_page", "return wp_page_copy(vmf);"):
        "写时复制：复制这个共享的页，并把副本映射为可写。",
    ("wp_page_copy", "if (is_zero_pfn(pte_pfn(vmf->orig_pte)))"):
        "复制零页，其实就是分配一个清零的页。",
    ("wp_page_copy", "if (likely(pte_same(*vmf->pte, vmf->orig_pte)))"):
        "这期间没有人改动 PTE：副本可以取代旧页。",
    ("wp_page_copy", "entry = mk_pte(new_page, vma->vm_page_prot);"):
        "新的 PTE 指向私有副本。",
    ("wp_page_copy", "entry = maybe_mkwrite(pte_mkdirty(entry), vma);"):
        "副本是脏的、可写的：这次写入可以继续了。",
    ("wp_page_copy", "dec_mm_counter_fast(mm, mm_counter_file(old_page));"):
        "页缓存页不再计入进程的 RssFile。",
    ("wp_page_copy", "inc_mm_counter_fast(mm, MM_ANONPAGES);"):
        "私有副本算作匿名页（计入 RssAnon）。",
    # mm/mmap.c: munmap
    ("do_mas_munmap", "if ((offset_in_page(start)) || start > TASK_SIZE"):
        "munmap(2) 要求起始地址按页对齐，并且位于用户地址空间之内：否则返回 EINVAL。",
    ("do_mas_munmap", "end = start + PAGE_ALIGN(len);"):
        "区间的末端：长度向上取整到整页。",
    ("do_mas_munmap", "if (end == start)"):
        "长度为 0 会被拒绝（EINVAL）。",
    ("do_mas_munmap", "vma = mas_find(mas, end - 1);"):
        "与这个区间重叠的第一个 VMA（如果有的话）。",
    ("do_mas_munmap", "if (!vma)"):
        "区间内什么都没有映射：munmap 什么也不用做，直接成功。",
    ("do_mas_munmap", "return do_mas_align_munmap("):
        "移除这个区间：先在两端拆分 VMA，再解除中间部分的映射。",
    ("do_mas_align_munmap", "if (start > vma->vm_start)"):
        "区间的起点落在一个 VMA 中间：拆分它，保留区间下方的部分。",
    ("do_mas_align_munmap", "if (next->vm_end > end)"):
        "区间的终点落在一个 VMA 中间：拆分它，保留上方的部分。",
    ("do_mas_align_munmap", "if (next->vm_flags & VM_LOCKED)"):
        "正在解除的是锁定内存：它不再计入 RLIMIT_MEMLOCK。",
    ("do_mas_align_munmap", "mm->map_count -= count;"):
        "摘下来的 VMA 不再计入 vm.max_map_count。",
    ("do_mas_align_munmap", "unmap_region("):
        "清除区间内的 PTE，并释放变空的页表。",
    ("do_mas_align_munmap", "remove_mt("):
        "释放摘下来的 VMA，并把它们的页从 total_vm 及其他计数器中扣除。",
}


#: What MMAP_ERRNO_MEANINGS says, in Chinese; the first sentence is the gist.
ERRNO_MEANINGS_ZH: dict[str, str] = {
    "EACCES":
        "文件的打开模式不允许建立这种映射。任何文件映射都要求文件以可读方式打开，"
        "共享可写映射还要求它同时以可写方式打开（只追加文件不接受以写方式建立的共享映射）。"
        "mprotect 要求的权限是这个映射永远不能拥有的时候，也返回 EACCES，"
        "例如对只读文件的共享映射要求 PROT_WRITE。",
    "EAGAIN":
        "把映射锁定在内存中（MAP_LOCKED，或 mlockall(MCL_FUTURE)）会超出 RLIMIT_MEMLOCK，"
        "而进程又没有 CAP_IPC_LOCK。可以换一个小一点的映射，或者调高限制，再试一次。",
    "EBADF": "fd 参数不是一个已打开的文件，又没有给 MAP_ANONYMOUS，内核没有东西可映射。",
    "EEXIST":
        "给了 MAP_FIXED_NOREPLACE，而请求的区间与一个已有的映射重叠；与 MAP_FIXED 不同，"
        "内核拒绝替你解除那个映射。",
    "EINVAL":
        "参数不合法：长度为 0，地址或偏移量不是页大小的整数倍，标志位中的映射类型既不是 "
        "MAP_SHARED、MAP_PRIVATE，也不是 MAP_SHARED_VALIDATE，或者要求了机器上没有的大页尺寸。"
        "munmap 和 mprotect 遇到未对齐的起始地址时也返回 EINVAL。",
    "ENFILE":
        "共享匿名映射背后是一个内部 shmem 文件，而全系统打开文件的数量已达上限，"
        "无法再创建新的文件。",
    "ENODEV":
        "文件所在的文件系统或设备驱动没有 mmap 操作，这类文件根本无法映射（例如管道或目录）。",
    "ENOMEM":
        "没有空间：找不到足够大的空闲地址区间，进程会超出 vm.max_map_count 个映射或 "
        "RLIMIT_AS/RLIMIT_DATA，或者内存过量使用（overcommit）策略拒绝承诺这么多内存。"
        "拆分映射会使映射数超限时，munmap 也会这样失败；区间中有一部分没有映射时，mprotect 返回 "
        "ENOMEM。",
    "EOVERFLOW": "偏移量加上长度超出了文件偏移量所能表示的范围：映射末端的页索引会发生回绕。",
    "EPERM":
        "不允许：对 noexec 挂载点上的文件要求 PROT_EXEC，没有 CAP_SYS_RAWIO 却用 MAP_FIXED 映射到 "
        "vm.mmap_min_addr 以下，RLIMIT_MEMLOCK 为 0 且进程没有 CAP_IPC_LOCK 时使用 MAP_LOCKED，"
        "或者对已封印（sealed）的文件建立可写映射。",
    "ETXTBSY":
        "对正用作交换文件的文件建立共享可写映射：Linux 6.1 拒绝这样做。老内核对 MAP_DENYWRITE "
        "也返回 ETXTBSY，如今这个标志位会被忽略。",
    "EOPNOTSUPP":
        "MAP_SHARED_VALIDATE 要求了这个文件不支持的标志位，例如对不在 DAX 文件系统上的文件要求 "
        "MAP_SYNC。普通的 MAP_SHARED 则会悄悄丢掉这类标志位。",
    "EINTR": "调用在等待地址空间的 mmap 锁时收到了致命信号；它在改动任何东西之前就放弃了。",
    "EFAULT":
        "某个指针参数指向进程无法读取的内存。x86-64 上的 mmap 本身不接收这样的指针；"
        "访问未映射的内存引发的是 SIGSEGV 而不是 EFAULT，因为这里并不经过系统调用。",
}


#: The twin's reasons for a C statement it does not model (not_modelled("...")).
NOT_MODELLED_ZH: dict[str, str] = {
    "HugetlbPages of /proc/PID/status: the lab's mm has no such counter":
        '/proc/PID/status 中的 HugetlbPages：实验的 mm 没有这个计数器',
    'KMSAN shadow memory: not configured': 'KMSAN 影子内存：未配置',
    "L1TF checks of raw PFN mappings: the lab's [vvar] has no PTEs to check":
        '对原始 PFN 映射的 L1TF 检查：实验中的 [vvar] 没有需要检查的 PTE',
    'LRU lists: the lab has no page reclaim': 'LRU 链表：实验没有内存回收',
    'MMU cache hook: empty on x86': 'MMU 缓存钩子：在 x86 上是空函数',
    'MMU notifiers (KVM, devices): none registered': 'MMU notifier（KVM、设备）：一个也没有注册',
    'NUMA balancing hinting faults: one node, no balancing':
        'NUMA 平衡的提示性缺页：只有一个节点，不做平衡',
    'NUMA balancing history: one node': 'NUMA 平衡的历史记录：只有一个节点',
    "NUMA balancing's hinting faults: one node, no balancing":
        'NUMA 平衡的提示性缺页：只有一个节点，不做平衡',
    'NUMA balancing: one node': 'NUMA 平衡：只有一个节点',
    'NUMA memory policies are not modelled': 'NUMA 内存策略不在模拟范围之内',
    'PF_SUPERPRIV only records, for process accounting, that a privilege was used':
        'PF_SUPERPRIV 只是为进程记账记下“用过特权”这件事',
    'RCU: one thread, nothing to protect against': 'RCU：只有一个线程，没有需要防范的并发',
    "SMAP: a kernel access to user memory; the lab's accesses come from user mode":
        'SMAP：针对内核访问用户内存；实验中的访问都来自用户态',
    'SysV shared memory with SHM_HUGETLB: the lab has no shmget()':
        '带 SHM_HUGETLB 的 System V 共享内存：实验没有 shmget()',
    'THP migration entries: no THP in the lab': 'THP 迁移项：实验中没有透明大页',
    'TLB batching: the lab has no TLB': 'TLB 批处理：实验没有 TLB',
    'TLB flush: the lab has no TLB': '刷新 TLB：实验没有 TLB',
    'TLB maintenance: the lab has no TLB': 'TLB 维护：实验没有 TLB',
    'a corrupt page table: the lab never sets reserved bits': '页表损坏：实验从不设置保留位',
    'a debug assertion: a writable VMA, a read-only PTE': '调试断言：VMA 可写，PTE 只读',
    'a debug assertion: next is merged whole or not touched':
        '调试断言：next 要么整个被合并，要么完全不动',
    'a debug assertion: the VMA only grows': '调试断言：VMA 只会变大',
    'a debug assertion: the only failure is -ENOMEM': '调试断言：唯一可能的失败是 -ENOMEM',
    'a debug check of the VMA tree (CONFIG_DEBUG_VM_MAPLE_TREE is off)':
        '对 VMA 树的调试检查（CONFIG_DEBUG_VM_MAPLE_TREE 未开启）',
    "a failed copy from user memory: the lab's copies succeed":
        '从用户内存复制失败：实验中的复制总会成功',
    'a huge PUD racing in: one thread, no races': '并发出现的大页 PUD：只有一个线程，不存在竞争',
    'a kernel log message (VmData exceeds the data ulimit)':
        '一条内核日志（VmData 超出了数据段的 ulimit）',
    'a kernel log message (not enough memory for the allocation)':
        '一条内核日志（内存不足，无法分配）',
    "a new surplus page's reference count: set when allocated":
        '新的超额（surplus）大页的引用计数：分配时已经设好',
    'a reference held across the fault: dropped again at its end':
        '缺页期间持有的引用：缺页结束时又释放了',
    'a tracepoint; no effect on memory': '跟踪点；对内存没有影响',
    'a warning: drivers cannot move the VMA': '警告：驱动不能移动 VMA',
    "a warning: drivers may not add write permission the file's mode denies":
        '警告：驱动不能加上文件打开模式所不允许的写权限',
    'a warning: protection keys do not apply to kernel addresses': '警告：保护键不适用于内核地址',
    'a warning: the entry must be empty': '警告：表项必须为空',
    'a warning: the merged VMA has the new flags': '警告：合并后的 VMA 带着新的标志位',
    'access time (atime): the lab keeps no file times': '访问时间（atime）：实验不记录文件时间',
    "address randomisation: the lab's process runs without it (setarch -R)":
        '地址随机化：实验中的进程不启用它（相当于 setarch -R）',
    'an iterator over the maple tree: the loop below walks the sorted list':
        'maple 树的迭代器：下面的循环遍历的是有序列表',
    'arch_unmap() does nothing on x86': 'arch_unmap() 在 x86 上什么也不做',
    'audit logging of the descriptor; no effect on memory':
        '对文件描述符的审计日志；对内存没有影响',
    'cache flush: coherent on x86': '刷新缓存：x86 上缓存是一致的',
    'cache flushing: x86 needs none': '刷新缓存：x86 不需要',
    'cgroup writeback: the lab has no cgroups': 'cgroup 回写：实验没有 cgroup',
    'clear and flush before the new entry: the lab has no TLB':
        '写入新表项之前的清除与刷新：实验没有 TLB',
    "clearing: a new frame's bytes read as zero": '清零：新页框的字节读出来就是 0',
    'compiler barrier: one thread, nothing to order':
        '编译器屏障：只有一个线程，没有需要排序的访问',
    'debug assertion: FOLL_NOWAIT never loses the lock': '调试断言：FOLL_NOWAIT 从不丢掉锁',
    'debug assertion: a shared file page is not anonymous': '调试断言：共享的文件页不是匿名页',
    'debug assertion: a tmpfs file': '调试断言：这是一个 tmpfs 文件',
    'debug assertion: an unshared PTE stays read-only':
        '调试断言：取消共享（unshare）之后的 PTE 仍是只读的',
    'debug assertion: pages[] is wanted exactly with FOLL_GET or FOLL_PIN':
        '调试断言：只有带 FOLL_GET 或 FOLL_PIN 时才需要 pages[]',
    'debug assertion: pinned anonymous pages are exclusive': '调试断言：被 pin 住的匿名页是独占的',
    'debug assertion: the folio holds the index': '调试断言：folio 包含这个索引',
    'debug assertion: the only failure is -ENOMEM': '调试断言：唯一可能的失败是 -ENOMEM',
    'debug assertion: the page is locked': '调试断言：页已加锁',
    'debug assertion: write and unshare never come together':
        '调试断言：写与取消共享（unshare）不会同时出现',
    'debug assertions: a write fault on an exclusive page': '调试断言：对独占页的写缺页',
    'debug assertions: an aligned range inside the VMA, mmap_lock held':
        '调试断言：区间已对齐、位于 VMA 之内，并且持有 mmap_lock',
    'debug assertions: exactly one of write and unshare':
        '调试断言：写与取消共享（unshare）恰有其一',
    'debug warning: RETRY_NOWAIT faults never drop the lock':
        '调试警告：RETRY_NOWAIT 的缺页从不释放锁',
    'debug warning: only shared mappings get here': '调试警告：只有共享映射会走到这里',
    'delay accounting: the lab keeps no task delays': '延迟统计：实验不记录任务的延迟',
    'device memory (ZONE_DEVICE): the lab has none': '设备内存（ZONE_DEVICE）：实验中没有',
    'drops the file reference; the lab counts none': '释放文件引用；实验不做引用计数',
    'drops the reference fget() took; the lab counts none':
        '释放 fget() 拿到的引用；实验不做引用计数',
    'event counters of /proc/vmstat: the lab keeps none': '/proc/vmstat 的事件计数器：实验不记录',
    'fault statistics (min_flt, maj_flt, perf events): not shown by the lab':
        '缺页统计（min_flt、maj_flt、perf 事件）：实验不显示',
    'faults on a transparent huge page: no THP in the lab': '透明大页上的缺页：实验中没有透明大页',
    'file reference counts: the lab keeps none': '文件的引用计数：实验不记录',
    'file system freezing: the lab never freezes': '文件系统冻结：实验从不冻结文件系统',
    'file times (mtime, ctime): the lab keeps none': '文件时间（mtime、ctime）：实验不记录',
    'file times: the lab keeps none': '文件时间：实验不记录',
    "folios: the lab's pages are their head PFN": 'folio：实验中的页用它的首个 PFN 表示',
    'frees preallocated maple nodes; the lab preallocates none':
        '释放预分配的 maple 节点；实验不做预分配',
    "frees the detached tree's nodes; Python drops the list":
        '释放摘下来的那棵树的节点；Python 直接丢弃列表',
    'frees the maple nodes preallocated for the store; the lab preallocates none':
        '释放为插入而预分配的 maple 节点；实验不做预分配',
    'huge PUD faults (DAX): the lab has none': 'PUD 级大页的缺页（DAX）：实验中没有',
    'huge PUD mappings outside hugetlb (DAX): the lab has none':
        'hugetlb 之外的 PUD 级大页映射（DAX）：实验中没有',
    'huge page cache folios for MADV_HUGEPAGE: the lab has no madvise()':
        '供 MADV_HUGEPAGE 使用的大页缓存 folio：实验没有 madvise()',
    'hugetlb cgroups: the lab has none': 'hugetlb cgroup：实验中没有',
    'hugetlb_lock: one thread, no contention': 'hugetlb_lock：只有一个线程，不存在争用',
    'inode lock: one thread, no contention': 'inode 锁：只有一个线程，不存在争用',
    'inode reference counts: the lab keeps none': 'inode 的引用计数：实验不记录',
    'instruction cache: coherent on x86': '指令缓存：x86 上是一致的',
    'interrupts: the lab models none': '中断：实验不模拟',
    'kernel log message: shown only after a failed COW after fork':
        '内核日志：只在 fork 之后写时复制失败时才打印',
    'kernel log warning: a negative range never comes from mmap':
        '内核日志警告：mmap 永远不会传来负的区间',
    'kernel memory never runs out in the lab': '在实验中，内核内存永远不会耗尽',
    "kernel oops: the lab's accesses come from user mode": '内核 oops：实验中的访问都来自用户态',
    "kernel-mode faults: the lab's accesses come from user mode":
        '内核态缺页：实验中的访问都来自用户态',
    'khugepaged: collapsing into transparent huge pages in the background is not modelled':
        'khugepaged：后台合并成透明大页的过程不在模拟范围之内',
    'kmap of the PTE page: x86-64 maps page tables permanently':
        '对 PTE 页表页的 kmap：x86-64 上页表一直处于映射状态',
    'lazy MMU mode: only paravirtualised kernels batch PTE writes':
        'lazy MMU 模式：只有半虚拟化内核才批量写 PTE',
    'locking and uprobes, neither modelled': '加锁和 uprobes，都不模拟',
    'locking: one thread, no contention': '加锁：只有一个线程，不存在争用',
    'locking: one thread, so the lock is never contended and no fatal signal interrupts the wait':
        '加锁：只有一个线程，锁从不被争用，也没有致命信号打断等待',
    'maple tree set-up: the detached tree is a plain list':
        'maple 树的初始化：摘下来的那棵树在实验里是一个普通列表',
    'mapping a huge page cache folio whole: no THP in the lab':
        '整体映射一个大页缓存 folio：实验中没有透明大页',
    'memory cgroup OOM handling: the lab has no cgroups':
        '内存 cgroup 的 OOM 处理：实验没有 cgroup',
    'memory cgroup statistics: the lab has no cgroups': '内存 cgroup 的统计：实验没有 cgroup',
    'memory errors: the lab has no poisoned pages':
        '内存错误：实验中没有被标记为损坏（poisoned）的页',
    'mm is used only by the locking and userfaultfd calls below, which are not modelled':
        'mm 只在下面的加锁和 userfaultfd 调用中用到，而它们都不模拟',
    'mmap_lock: one thread, no contention': 'mmap_lock：只有一个线程，不存在争用',
    'multi-gen LRU bookkeeping: the lab has no page reclaim': '多代 LRU 的簿记：实验没有内存回收',
    "next's anon_vma is already vma's: nothing to merge":
        'next 的 anon_vma 已经就是 vma 的：无需合并',
    'no VMA in the lab is registered with userfaultfd': '实验中没有 VMA 注册到 userfaultfd',
    'old prefaulted PTEs: only arm64 wants them': '预先填好的 old PTE：只有 arm64 需要',
    "page flags: a new frame's zeroed bytes are its contents":
        '页标志位：新页框清零后的字节就是它的内容',
    'page flags: migration is not in the lab': '页标志位：实验中没有页迁移',
    "page flags: the copy is the page's contents": '页标志位：复制出来的就是页的内容',
    'page flags: the lab keeps no per-page reservation flag': '页标志位：实验不记录每页的预留标志',
    "page lock and the lookup's reference: one thread, nothing held":
        '页锁和查找时拿到的引用：只有一个线程，什么也不持有',
    'page lock: one thread, no contention': '页锁：只有一个线程，不存在争用',
    'page migration: the lab migrates no pages': '页迁移：实验不迁移任何页',
    'page reference overflow: cannot happen in the lab': '页引用计数溢出：在实验中不可能发生',
    'page tables made ahead for userfaultfd write protection: not used':
        '为 userfaultfd 写保护预先建立的页表：不使用',
    'page-table lock: one thread, no contention': '页表锁：只有一个线程，不存在争用',
    'per-CPU LRU batches: the lab has no page reclaim': '每 CPU 的 LRU 批次：实验没有内存回收',
    'per-thread RSS caches: the lab counts RSS in the mm directly':
        '每线程的 RSS 缓存：实验直接在 mm 中统计 RSS',
    'perf events: profiling, no effect on memory': 'perf 事件：用于性能分析，对内存没有影响',
    'protection keys: every lab VMA has key 0': '保护键：实验中每个 VMA 的保护键都是 0',
    'raw PFN mappings (VM_PFNMAP, VM_MIXEDMAP): the lab has none':
        '原始 PFN 映射（VM_PFNMAP、VM_MIXEDMAP）：实验中没有',
    "reference counts: the map is dropped with the VMA's pointer to it":
        '引用计数：VMA 指向它的指针一去掉，它也就随之丢弃',
    "restarts the tree walk; the lab's lookups start afresh anyway":
        '重新开始树的遍历；实验中的查找本来每次都从头开始',
    "restarts the tree walk; the lab's search starts afresh anyway":
        '重新开始树的遍历；实验中的搜索本来每次都从头开始',
    "reverse map: the lab finds a page's mappings in the page tables":
        '反向映射：实验直接在页表中找出一页的所有映射',
    'scheduler state: the task is already running': '调度器状态：任务本来就在运行',
    'scheduling: one process, nothing else to run': '调度：只有一个进程，没有别的可运行',
    'sharing an anonymous page after fork: the lab never forks':
        'fork 之后共享匿名页：实验从不 fork',
    'splits transparent huge pages at the new edges; the lab maps none':
        '在新的边界处拆分透明大页；实验不映射透明大页',
    'subpools: hugetlbfs is mounted without size=':
        '子池（subpool）：hugetlbfs 挂载时没有指定 size=',
    "swap and migration entries: the lab's machine has no swap":
        '交换项与迁移项：实验的机器没有交换区',
    'swap cache: the lab has no swap': '交换缓存：实验没有交换区',
    'swap throttling of cgroups: no swap, no cgroups':
        'cgroup 的交换限速：没有交换区，也没有 cgroup',
    "swap-in: the lab's machine has no swap, so no swap entries":
        '换入：实验的机器没有交换区，因此也没有交换项',
    'the PTE pointer: the lab finds the entry by its address': 'PTE 指针：实验按地址找到表项',
    'the Python object is simply dropped': 'Python 对象直接被丢弃',
    "the anon_vma's interval tree and lock; the lab keeps neither":
        'anon_vma 的区间树和锁；实验两者都没有',
    "the anon_vma's interval tree is re-indexed around the change; the lab keeps no interval trees":
        '改动前后要重建 anon_vma 区间树的索引；实验没有区间树',
    "the anon_vma's interval tree: the lab keeps no interval trees":
        'anon_vma 的区间树：实验没有区间树',
    "the anon_vma's lock: one thread, no contention": 'anon_vma 的锁：只有一个线程，不存在争用',
    "the descriptor's reference: the lab counts none": '文件描述符的引用：实验不做引用计数',
    'the error code shown to the signal handler: only for kernel addresses':
        '给信号处理函数看的错误码：只针对内核地址',
    'the hugetlb VMA lock: one thread, no contention': 'hugetlb VMA 锁：只有一个线程，不存在争用',
    'the hugetlb fault mutex: one thread, no contention':
        'hugetlb 缺页互斥锁：只有一个线程，不存在争用',
    'the hugetlb locks: one thread, no contention': 'hugetlb 的各个锁：只有一个线程，不存在争用',
    'the invalidate lock: one thread, no contention': 'invalidate 锁：只有一个线程，不存在争用',
    "the kernel log's 'segfault at ...' line: not shown by the lab":
        '内核日志中“segfault at ...”那一行：实验不显示',
    'the lab makes 64-bit system calls only': '实验只发起 64 位系统调用',
    "the next page of a large folio: the lab's folios are one page":
        '大 folio 中的下一页：实验中的 folio 都只有一页',
    "the pool's active list: the lab counts pages only": '大页池的活跃链表：实验只统计页数',
    'the preallocated PTE table: the lab makes tables when used':
        '预分配的 PTE 页表：实验在用到时才建页表',
    "the signal frame's trap number and CR2: the lab records si_addr only":
        '信号栈帧中的陷阱号和 CR2：实验只记录 si_addr',
    'tracepoints: no effect on memory': '跟踪点：对内存没有影响',
    'transparent huge pages: off unless MADV_HUGEPAGE': '透明大页：除非 MADV_HUGEPAGE，否则关闭',
    'unsharing for FOLL_PIN: the lab pins no pages': '为 FOLL_PIN 取消共享：实验不 pin 任何页',
    'uprobes, and the file reference next held: the lab counts no references':
        'uprobes，以及 next 持有的文件引用：实验不做引用计数',
    'uprobes: breakpoints in mapped code, not modelled': 'uprobes：映射代码中的断点，不模拟',
    'userfaultfd write protection: no registrations in the lab':
        'userfaultfd 写保护：实验中没有任何注册',
    'userfaultfd: no registrations in the lab': 'userfaultfd：实验中没有任何注册',
    'waiting out a fallocate() hole punch: none ever runs in the lab':
        '等待 fallocate() 打洞结束：实验中从不打洞',
    'writeback completes at once in the lab: no page is ever under it':
        '实验中回写立即完成：没有页会处于回写之中',
    'writeback throttling: the lab writes nothing back': '回写限速：实验不回写任何东西',
}
