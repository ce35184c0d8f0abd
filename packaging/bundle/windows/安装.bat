@echo off
setlocal
cd /d "%~dp0"
title 安装 zjkcollect {version}
echo 正在安装 zjkcollect {version}（离线安装，不需要联网）……
echo.
py -{python} -c "import sys" >nul 2>&1
if errorlevel 1 goto nopython
if exist ".venv\Scripts\python.exe" goto venvready
py -{python} -m venv .venv
if errorlevel 1 goto novenv
:venvready
rem 只从本文件夹的 wheels 安装，不理会本机的任何 pip 设置
set "PIP_CONFIG_FILE=nul"
set "PIP_FIND_LINKS="
set "PIP_INDEX_URL="
set "PIP_EXTRA_INDEX_URL="
set "PIP_CONSTRAINT="
set "PIP_REQUIRE_VIRTUALENV="
".venv\Scripts\python.exe" -m pip install --no-index --find-links wheels --upgrade --disable-pip-version-check --no-warn-script-location zjkcollect
if errorlevel 1 goto failed
echo.
".venv\Scripts\zjkcollect.exe" --version
echo.
echo 安装完成。以后这样使用（都不用打开命令行）：
echo   1. 双击“新建工作文件夹.bat”，建立工作文件夹（只需一次）；
echo   2. 把工作文件夹拖到“生成模板.bat”上，生成发给各单位的空白模板；
echo   3. 把工作文件夹里的“收件箱”拖到“校验.bat”上，校验收到的表格；
echo   4. 每周四把工作文件夹拖到“汇总.bat”上，生成全市汇总表和报省附件3。
echo 需要输入命令时，双击“命令行.bat”。
pause
exit /b 0

:nopython
echo 没有找到 Python {python}（64 位）。
echo 请先按“离线安装说明.txt”安装 Python {python}，安装时勾选“py launcher”，然后重新双击本文件。
pause
exit /b 1

:novenv
echo 建立 Python 环境失败。请确认本文件夹可以写入（不要放在光盘或只读的U盘上），然后重试。
pause
exit /b 1

:failed
echo 安装失败。请把本窗口的内容截图发给技术人员。
pause
exit /b 1
