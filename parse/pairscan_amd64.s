#include "textflag.h"

// func pairScanAVX2(data []byte, tab *pairTab) (pos, scanned int)
//
// Finds the first i with data[i] == tab.a[k][0] && data[i+1] == tab.b[k][0]
// for some k < tab.n, 64 bytes per step. pos is that i or -1; scanned is the
// offset below which every i has been checked (the caller checks the tail).
// Layout of pairTab: a [32][32]byte at 0, b [32][32]byte at 1024, n at 2048.
TEXT ·pairScanAVX2(SB), NOSPLIT, $0-48
	MOVQ data_base+0(FP), SI
	MOVQ data_len+8(FP), DX
	MOVQ tab+24(FP), DI
	MOVQ 2048(DI), CX
	XORQ AX, AX
	SUBQ $65, DX          // i may go up to len-65 (loads i..i+64)
	JL   none

loop:
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU 1(SI)(AX*1), Y1
	VMOVDQU 32(SI)(AX*1), Y5
	VMOVDQU 33(SI)(AX*1), Y6
	VPXOR   Y4, Y4, Y4
	VPXOR   Y9, Y9, Y9
	MOVQ    DI, R8
	MOVQ    CX, R9

pairs:
	VMOVDQU   (R8), Y7
	VMOVDQU   1024(R8), Y8
	VPCMPEQB  Y7, Y0, Y2
	VPCMPEQB  Y8, Y1, Y3
	VPAND     Y2, Y3, Y2
	VPOR      Y2, Y4, Y4
	VPCMPEQB  Y7, Y5, Y10
	VPCMPEQB  Y8, Y6, Y11
	VPAND     Y10, Y11, Y10
	VPOR      Y10, Y9, Y9
	ADDQ      $32, R8
	DECQ      R9
	JNZ       pairs

	VPMOVMSKB Y4, BX
	VPMOVMSKB Y9, R10
	SHLQ      $32, R10
	ORQ       R10, BX
	TESTQ     BX, BX
	JNZ       found
	ADDQ      $64, AX
	CMPQ      AX, DX
	JLE       loop

none:
	VZEROUPPER
	MOVQ $-1, pos+32(FP)
	MOVQ AX, scanned+40(FP)
	RET

found:
	BSFQ BX, BX
	ADDQ BX, AX
	VZEROUPPER
	MOVQ AX, pos+32(FP)
	MOVQ AX, scanned+40(FP)
	RET
