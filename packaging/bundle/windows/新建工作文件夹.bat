@echo off
setlocal
rem 建立工作文件夹：收件箱、输出、模板和一份可以修改的“活动配置.toml”。
set "ZJK=%~dp0.venv\Scripts\zjkcollect.exe"
if not exist "%ZJK%" goto notinstalled
set "NEW=%USERPROFILE%\Desktop\数据要素大赛"
echo 直接按回车，工作文件夹建在：%NEW%
set /p "NEW=或者输入（拖入）另一个位置后按回车："
set "NEW=%NEW:"=%"
"%ZJK%" init "%NEW%"
if errorlevel 1 goto done
start "" "%NEW%"
:done
echo.
pause
exit /b 0

:notinstalled
echo 还没有安装：请先双击“安装.bat”。
pause
exit /b 2
