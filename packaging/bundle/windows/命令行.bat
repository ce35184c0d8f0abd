@echo off
rem 打开一个可以直接输入 zjkcollect 命令的窗口。
if not exist "%~dp0.venv\Scripts\zjkcollect.exe" (
  echo 还没有安装：请先双击“安装.bat”。
  pause
  exit /b 2
)
set "PATH=%~dp0.venv\Scripts;%PATH%"
title zjkcollect
cmd /k "zjkcollect --help"
